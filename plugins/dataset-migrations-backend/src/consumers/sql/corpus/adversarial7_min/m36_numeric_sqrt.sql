SELECT id, sqrt(abs(n)) AS r, exp(n) AS e FROM t ORDER BY id;
