SELECT c, w.label FROM t JOIN w USING (c) ORDER BY label, c;
