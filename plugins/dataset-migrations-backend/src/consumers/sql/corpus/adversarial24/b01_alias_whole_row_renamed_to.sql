SELECT t.id, to_jsonb(m) AS r FROM t JOIN u m ON m.id = t.id ORDER BY t.id;
