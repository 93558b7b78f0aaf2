SELECT id, jsonb_strip_nulls(to_jsonb(t)) - 'j' AS o FROM t ORDER BY id;
