SELECT id, to_jsonb(c) AS j, json_build_object('c', c) AS o FROM t WHERE c IS NOT NULL ORDER BY id;
