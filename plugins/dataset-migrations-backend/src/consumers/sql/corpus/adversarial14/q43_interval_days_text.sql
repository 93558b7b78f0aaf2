SELECT id, (n || ' days')::interval AS span, d + (n || ' days')::interval AS due FROM t ORDER BY id;
