SELECT id, sqrt(abs(n)) AS r FROM t ORDER BY id;
