select (json_populate_record(null::t, '{"id": 9, "k": 3}')).id as id;
