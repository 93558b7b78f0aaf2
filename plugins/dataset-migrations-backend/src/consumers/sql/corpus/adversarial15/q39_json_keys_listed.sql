SELECT string_agg(key, ',' ORDER BY key) AS keys FROM t, jsonb_object_keys(to_jsonb(t)) AS key WHERE t.id = 1;
