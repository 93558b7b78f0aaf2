SELECT id, (SELECT max(v) FROM (VALUES (k), (n)) AS w(v)) AS mx FROM t ORDER BY id;
