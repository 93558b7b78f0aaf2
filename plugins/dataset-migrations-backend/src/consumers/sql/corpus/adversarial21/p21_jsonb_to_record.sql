SELECT t.id, r.n / 2 AS half FROM t, jsonb_to_record(to_jsonb(t)) AS r(n integer) ORDER BY 1;
