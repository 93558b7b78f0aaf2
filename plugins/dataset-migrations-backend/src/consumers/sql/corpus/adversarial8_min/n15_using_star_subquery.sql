SELECT * FROM t JOIN (SELECT id, label FROM u) s USING (id) ORDER BY id;
