SELECT id, k, label FROM t JOIN u USING (id) ORDER BY id;
