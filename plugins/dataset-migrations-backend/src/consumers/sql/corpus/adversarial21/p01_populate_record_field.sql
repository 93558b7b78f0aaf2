SELECT (jsonb_populate_record(NULL::t, '{"id": 9, "n": 5}')).n AS n;
