SELECT key, value FROM t, jsonb_each(to_jsonb(t)) WHERE t.id = 1 ORDER BY key;
