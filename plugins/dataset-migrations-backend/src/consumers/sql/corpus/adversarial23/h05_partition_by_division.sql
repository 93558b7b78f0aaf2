SELECT id, sum(price) OVER (PARTITION BY n / 5) AS per_bucket FROM t ORDER BY id;
