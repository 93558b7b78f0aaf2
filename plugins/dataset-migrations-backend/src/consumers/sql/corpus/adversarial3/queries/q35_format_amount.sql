SELECT id, format('%s units', amount) AS f, jsonb_build_object('a', amount)::text AS j FROM orders ORDER BY id;
