SELECT (jsonb_populate_record(null::t, '{"id": 9, "k": 5, "n": 2}')).k AS k;
