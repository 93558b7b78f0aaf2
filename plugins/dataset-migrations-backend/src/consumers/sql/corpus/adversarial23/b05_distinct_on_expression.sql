SELECT DISTINCT ON (n % 2) n % 2 AS parity, id, name FROM t WHERE n IS NOT NULL ORDER BY n % 2, n DESC;
