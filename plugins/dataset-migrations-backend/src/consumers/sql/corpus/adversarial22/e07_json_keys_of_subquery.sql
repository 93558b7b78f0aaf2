SELECT id, (SELECT string_agg(key, ',' ORDER BY key) FROM jsonb_each(to_jsonb(x))) AS keys FROM (SELECT id, n, name FROM t) x ORDER BY id;
