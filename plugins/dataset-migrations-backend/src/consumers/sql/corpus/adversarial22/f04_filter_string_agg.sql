SELECT count(*) FILTER (WHERE n > 1) AS big, string_agg(name, ',' ORDER BY n DESC NULLS LAST) AS names FROM t;
