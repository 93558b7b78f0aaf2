SELECT 100 / nullif(sum(n), 0) AS r FROM t;
