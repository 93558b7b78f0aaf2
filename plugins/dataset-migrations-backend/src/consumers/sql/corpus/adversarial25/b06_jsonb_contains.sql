SELECT id FROM t WHERE to_jsonb(t) @> '{"n": 3}' ORDER BY id;
