SELECT id, to_char(n * 25, '9.9EEEE') AS sci, to_char(n * 5, '9EEEE') AS sci0 FROM t ORDER BY id;
