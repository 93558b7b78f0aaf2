CREATE FUNCTION twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN x * 2;
SELECT id, twice(n) AS n2 FROM t ORDER BY id;
