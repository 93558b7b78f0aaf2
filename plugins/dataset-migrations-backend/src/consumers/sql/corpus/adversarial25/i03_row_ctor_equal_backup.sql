SELECT t.id, ROW(t.*) = ROW(tb.*) AS same FROM t JOIN tb USING (id) ORDER BY 1;
