SELECT id, left(s, n) AS l, right(s, n) AS r FROM t ORDER BY id;
