-- Minimal cases found by sweeping Postgres 18's catalog (every function,
-- operator, aggregate and cast taking a number, on probe values as smallint,
-- integer, bigint and numeric): a widened integer beside what is surely no number
-- (jsonb - integer, inet + bigint, xid = integer exist for some integer types
-- only), and a smallint widened to integer cast to bytea (as many bytes as its
-- type is wide) or given to a function taking smallint alone.
CREATE TABLE t (id integer, n integer, s smallint);
INSERT INTO t VALUES (1, 3, 3), (2, 5, 5), (3, 7, 7), (4, 9, 9);
