SELECT t.id FROM t JOIN (VALUES ('ab'::char(4))) v(cc) ON t.s = v.cc ORDER BY 1;
