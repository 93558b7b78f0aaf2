SELECT t.id, x FROM t, jsonb_to_record(jsonb_build_object('x', t.k)) AS r(x int) ORDER BY t.id;
