SELECT * FROM jsonb_populate_recordset(null::t, '[{"id": 1, "k": 5}, {"id": 2}]') ORDER BY id;
