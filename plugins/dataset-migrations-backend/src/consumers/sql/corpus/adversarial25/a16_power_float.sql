SELECT id, abs(n) ^ 0.5 AS r, power(abs(n), 0.5) AS p FROM t ORDER BY id;
