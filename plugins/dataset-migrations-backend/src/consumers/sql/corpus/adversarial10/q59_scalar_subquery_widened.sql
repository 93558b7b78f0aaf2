SELECT id, n - (SELECT min(n) FROM t) AS from_min, (SELECT sum(n) FROM t) / 4 AS quarter FROM t ORDER BY id;
