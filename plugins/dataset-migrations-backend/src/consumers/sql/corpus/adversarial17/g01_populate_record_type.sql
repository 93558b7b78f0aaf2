SELECT (jsonb_populate_record(NULL::t, '{"id": 1, "k": 5, "n": 2}')).k AS k;
