SELECT id, count(*) OVER (PARTITION BY n / 2) AS c FROM t ORDER BY id;
