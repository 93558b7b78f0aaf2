SELECT t.id, m FROM t, jsonb_to_record('{"m": 4}') AS r(m int) ORDER BY 1;
