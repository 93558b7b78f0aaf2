CREATE FUNCTION pg_temp.clip(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT least(a, b)';
CREATE OPERATOR pg_temp.<| (leftarg = integer, rightarg = integer, function = pg_temp.clip);
SELECT id, n OPERATOR(pg_temp.<|) 2 AS clipped FROM t ORDER BY id;
