SELECT count(*) FILTER (WHERE x IS NOT NULL) AS full_rows FROM t AS x;
