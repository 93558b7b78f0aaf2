-- Postgres 18 casts an integer to bytea as its bytes, as many as its type is
-- wide: 3::smallint is \x0003, 3::integer \x00000003.
SELECT id, s::bytea AS bytes FROM t ORDER BY id;
