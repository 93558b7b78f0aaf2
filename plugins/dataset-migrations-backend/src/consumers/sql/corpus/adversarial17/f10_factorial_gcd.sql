SELECT id, factorial(n) AS f, gcd(n, 6) AS g FROM t ORDER BY id;
