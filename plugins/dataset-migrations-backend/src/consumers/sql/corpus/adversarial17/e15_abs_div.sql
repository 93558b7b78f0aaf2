SELECT id, abs(n) / 2 AS h, @ n / 2 AS h2 FROM t ORDER BY id;
