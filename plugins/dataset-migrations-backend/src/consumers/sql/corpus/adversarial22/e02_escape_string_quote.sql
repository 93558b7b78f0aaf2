SELECT id, E'it\'s n' AS note, n FROM t ORDER BY id;
