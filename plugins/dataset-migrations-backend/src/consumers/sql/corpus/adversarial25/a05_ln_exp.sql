SELECT id, ln(abs(n) + 1) AS l, exp(n) AS e FROM t ORDER BY id;
