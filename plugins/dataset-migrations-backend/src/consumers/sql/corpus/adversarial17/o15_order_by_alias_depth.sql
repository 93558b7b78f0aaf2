SELECT id, n + m AS depth FROM t ORDER BY depth, id;
