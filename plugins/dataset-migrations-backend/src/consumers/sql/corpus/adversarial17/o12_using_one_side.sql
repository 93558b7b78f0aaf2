SELECT id, t.k, u.label FROM t JOIN u USING (id) ORDER BY id;
