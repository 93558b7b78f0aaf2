SELECT id, label, k FROM t JOIN u USING (id) ORDER BY id;
