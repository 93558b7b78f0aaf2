CREATE FUNCTION pg_temp.half(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x / 2';
SELECT id, pg_temp.half(n) AS h FROM t ORDER BY id;
