SELECT count(*) FILTER (WHERE t.* IS NULL) AS nulls, count(t) AS c FROM t;
