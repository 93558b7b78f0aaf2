SELECT string_agg(name, ',' ORDER BY n DESC NULLS LAST) AS names FROM t;
