SELECT id, json_build_object('k', k, 'n', n, 's', s)::text AS j FROM t ORDER BY id;
