SELECT (jsonb_populate_record(NULL::u, jsonb_build_object('id', id, 'v', n))).* FROM t ORDER BY 1;
