SELECT d, t.id FROM t JOIN u USING (d) ORDER BY t.id;
