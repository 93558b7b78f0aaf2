SELECT t.id, k.label FROM t JOIN k ON k.code = t.s ORDER BY t.id;
