SELECT id, trunc(sqrt(abs(n))::numeric, 3) AS r FROM t ORDER BY id;
