SELECT id, m / 2 AS h, m::text AS mt FROM t ORDER BY id;
