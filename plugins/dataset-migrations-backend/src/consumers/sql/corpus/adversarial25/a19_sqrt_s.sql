SELECT id, sqrt(abs(s)) AS r, ln(abs(s) + 1) AS l FROM t ORDER BY id;
