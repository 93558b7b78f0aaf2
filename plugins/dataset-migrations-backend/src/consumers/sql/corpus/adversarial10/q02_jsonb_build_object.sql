SELECT id, jsonb_build_object('k', k, 'n', n, 'p', p, 's', s, 'c', c, 'd', d) AS doc
FROM t ORDER BY id;
