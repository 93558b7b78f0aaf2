SELECT to_jsonb(t) - 'j' AS doc FROM t ORDER BY id;
