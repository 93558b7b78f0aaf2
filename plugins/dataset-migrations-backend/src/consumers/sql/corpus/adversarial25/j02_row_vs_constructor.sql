SELECT t.id, t = ROW(tb.id, tb.n, tb.s, tb.name, tb.d, tb.j, tb.price) AS same FROM t JOIN tb USING (id) ORDER BY 1;
