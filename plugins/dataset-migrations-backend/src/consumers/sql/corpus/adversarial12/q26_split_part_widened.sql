SELECT id, split_part('a,b,c', ',', abs(n) % 3 + 1) AS part FROM t ORDER BY id;
