SELECT n, t.id AS tid, u.id AS uid FROM t FULL JOIN u USING (n) ORDER BY n;
