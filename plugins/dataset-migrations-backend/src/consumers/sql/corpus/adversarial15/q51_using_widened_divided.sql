SELECT n, n / 2 AS half FROM t JOIN u USING (n) ORDER BY n;
