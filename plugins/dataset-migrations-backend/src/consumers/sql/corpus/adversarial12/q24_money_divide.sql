SELECT id, m / 3 AS third FROM t ORDER BY id;
