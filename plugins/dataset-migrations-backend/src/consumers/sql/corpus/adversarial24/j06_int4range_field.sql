SELECT id, int4range(n, n + 2) AS r FROM t WHERE n IS NOT NULL ORDER BY id;
