SELECT id, key, value FROM t, jsonb_each(t.j) ORDER BY id, key;
