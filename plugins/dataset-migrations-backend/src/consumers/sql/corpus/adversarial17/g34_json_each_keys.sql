SELECT key, count(*) AS cnt FROM t, jsonb_each(to_jsonb(t)) GROUP BY key ORDER BY key;
