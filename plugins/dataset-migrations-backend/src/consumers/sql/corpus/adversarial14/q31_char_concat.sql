SELECT id, c || '|' AS bar, concat(c, '|') AS bar2 FROM t ORDER BY id;
