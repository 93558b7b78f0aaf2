SELECT id, sqrt(n) AS root, ln(n) AS l, exp(n) AS e FROM t ORDER BY id;
