SELECT t.id, e.key FROM t, jsonb_each(t.j) e WHERE jsonb_typeof(t.j) = 'object' ORDER BY 1, 2;
