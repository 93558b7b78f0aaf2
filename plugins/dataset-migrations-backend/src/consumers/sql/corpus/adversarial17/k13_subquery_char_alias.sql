SELECT t.id FROM t JOIN (SELECT c AS cc FROM t) s2 ON s2.cc = t.s ORDER BY 1;
