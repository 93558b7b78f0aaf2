SELECT * FROM t JOIN LATERAL (SELECT id, t.k + 1 AS k1 FROM u WHERE u.id = t.id) s USING (id) ORDER BY id;
