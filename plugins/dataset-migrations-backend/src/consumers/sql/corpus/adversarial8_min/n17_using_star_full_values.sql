SELECT * FROM t FULL JOIN (VALUES (1, 'x'), (9, 'y')) v(id, tag) USING (id) ORDER BY id;
