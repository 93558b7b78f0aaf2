SELECT r.k FROM (SELECT jsonb_populate_record(NULL::t, to_jsonb(t)) AS r FROM t) s ORDER BY (r).id;
