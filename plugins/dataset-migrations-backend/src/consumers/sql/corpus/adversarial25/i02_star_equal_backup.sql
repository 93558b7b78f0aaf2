SELECT t.id, (t.*) = (tb.*) AS same FROM t JOIN tb USING (id) ORDER BY 1;
