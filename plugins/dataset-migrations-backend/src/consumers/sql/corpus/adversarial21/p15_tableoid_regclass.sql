SELECT tableoid::regclass::text AS rel, id FROM t ORDER BY id;
