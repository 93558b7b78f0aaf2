SELECT id, (n % 10) / 4 AS q FROM t ORDER BY id;
