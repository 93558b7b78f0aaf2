SELECT v.name, t.id FROM t JOIN (VALUES (10, 'ten'), (20, 'twenty')) v(k, name) USING (k) ORDER BY 1, 2;
