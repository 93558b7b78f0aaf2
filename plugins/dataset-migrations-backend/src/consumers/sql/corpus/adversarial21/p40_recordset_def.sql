SELECT * FROM jsonb_to_recordset((SELECT jsonb_agg(to_jsonb(t)) FROM t)) AS x(id int, n int) ORDER BY id;
