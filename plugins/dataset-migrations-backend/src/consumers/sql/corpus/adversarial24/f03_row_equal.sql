SELECT id FROM t WHERE ROW(n, name) = ROW(3, 'Ann') ORDER BY id;
