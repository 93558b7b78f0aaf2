SELECT id, (to_jsonb(t) - 'j' - 'd')::text AS doc FROM t ORDER BY id;
