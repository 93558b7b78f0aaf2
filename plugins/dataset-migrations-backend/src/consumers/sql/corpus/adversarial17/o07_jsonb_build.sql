SELECT jsonb_build_object('k', k, 'n', n) AS obj FROM t ORDER BY id;
