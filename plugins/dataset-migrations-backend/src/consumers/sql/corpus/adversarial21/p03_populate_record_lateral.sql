SELECT r.id, r.n / 2 AS half FROM t, jsonb_populate_record(NULL::t, to_jsonb(t)) AS r ORDER BY r.id;
