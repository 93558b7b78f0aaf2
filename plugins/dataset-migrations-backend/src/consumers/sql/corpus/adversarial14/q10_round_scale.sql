SELECT id, round(p, n % 3) AS r, trunc(p, n % 2) AS tr FROM t ORDER BY id;
