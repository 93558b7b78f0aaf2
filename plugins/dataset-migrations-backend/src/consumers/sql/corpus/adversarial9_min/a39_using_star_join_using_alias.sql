SELECT * FROM t JOIN (SELECT id, label FROM u) s USING (id) AS j ORDER BY j.id;
