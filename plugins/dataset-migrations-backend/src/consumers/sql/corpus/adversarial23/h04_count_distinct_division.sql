SELECT count(DISTINCT n / 5) AS buckets FROM t;
