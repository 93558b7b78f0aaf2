SELECT * FROM t JOIN (VALUES (1, 'x'), (3, 'y')) v(id) USING (id) ORDER BY id;
