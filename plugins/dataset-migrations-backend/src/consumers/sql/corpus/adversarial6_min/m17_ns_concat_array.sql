SELECT t.id FROM t JOIN u ON u.id = t.id WHERE u.ns @> (n || ARRAY[]::integer[]) ORDER BY t.id;
