SELECT id, to_json(d) AS j, jsonb_build_object('d', d) AS o FROM t WHERE d IS NOT NULL ORDER BY id;
