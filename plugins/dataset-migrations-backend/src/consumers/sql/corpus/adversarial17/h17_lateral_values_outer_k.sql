SELECT id, (SELECT max(v) FROM u, LATERAL (VALUES (k)) AS w(v)) AS mx FROM t ORDER BY id;
