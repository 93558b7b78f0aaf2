SELECT o.id, x.k FROM orders o, LATERAL jsonb_to_record(jsonb_build_object('k', o.cust)) AS x(k int) ORDER BY o.id;
