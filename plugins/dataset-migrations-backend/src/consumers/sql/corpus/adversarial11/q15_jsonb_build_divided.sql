SELECT id, jsonb_build_object('n', n, 'half', n / 2) AS o FROM t ORDER BY id;
