SELECT id, key FROM t, jsonb_object_keys(t.j) AS key ORDER BY 1, 2;
