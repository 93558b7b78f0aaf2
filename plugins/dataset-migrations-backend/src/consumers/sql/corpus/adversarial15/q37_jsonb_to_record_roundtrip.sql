SELECT x.* FROM t, jsonb_to_record(to_jsonb(t)) AS x(id int, k int, n int) ORDER BY x.id;
