SELECT id, factorial(abs(n) % 5) AS f FROM t ORDER BY id;
