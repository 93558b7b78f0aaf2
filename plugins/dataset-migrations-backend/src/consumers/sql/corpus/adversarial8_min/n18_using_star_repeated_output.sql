SELECT * FROM t JOIN (SELECT id, label, label FROM u) s USING (id) ORDER BY id;
