SELECT t.id FROM t JOIN u ON u.id = t.id WHERE ARRAY[t.q] <@ u.qs ORDER BY t.id;
