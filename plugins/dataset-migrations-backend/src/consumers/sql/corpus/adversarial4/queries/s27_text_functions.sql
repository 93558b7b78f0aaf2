SELECT id, left(s, 1) AS l, right(s, 1) AS r, position('b' in s) AS p, trim(s) AS tr, s FROM t ORDER BY id;
