SELECT id, 100 / nullif(n, 0) AS r FROM t ORDER BY id;
