SELECT id FROM t WHERE int4range(n, n + 5) && int4range(6, 9) ORDER BY id;
