SELECT id, value FROM t, jsonb_array_elements(t.j -> 'k') ORDER BY id, value;
