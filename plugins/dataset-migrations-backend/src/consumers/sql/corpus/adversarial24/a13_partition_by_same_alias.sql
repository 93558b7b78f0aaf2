SELECT id, n % 3 AS n, count(*) OVER (PARTITION BY n) AS c FROM t ORDER BY id;
