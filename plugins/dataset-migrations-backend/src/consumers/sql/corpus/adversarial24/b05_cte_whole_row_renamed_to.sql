WITH m AS (SELECT id, v FROM u) SELECT t.id, m FROM t JOIN m USING (id) ORDER BY t.id;
