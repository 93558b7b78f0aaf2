SELECT t.id, label, v FROM t JOIN u USING (id) ORDER BY 1;
