SELECT 1000 / nullif(sum(n), 0) AS r FROM t;
