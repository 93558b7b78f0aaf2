SELECT id, round(n / 2) AS r, round(n / 2.0) AS r2 FROM t ORDER BY id;
