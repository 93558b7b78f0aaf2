SELECT j.a, j.b FROM (t JOIN u USING (id)) AS j(a, b) ORDER BY j.a;
