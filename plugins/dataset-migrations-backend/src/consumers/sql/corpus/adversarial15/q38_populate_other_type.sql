SELECT (jsonb_populate_record(null::u, to_jsonb(t))).* FROM t ORDER BY 1;
