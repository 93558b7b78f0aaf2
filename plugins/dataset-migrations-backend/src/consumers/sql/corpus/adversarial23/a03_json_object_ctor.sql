SELECT id, JSON_OBJECT('n' VALUE n, 'name' VALUE name)::text AS doc FROM t ORDER BY id;
