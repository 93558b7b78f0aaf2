SELECT * FROM jsonb_populate_recordset(NULL::t, (SELECT jsonb_agg(to_jsonb(x)) FROM t x)) ORDER BY id;
