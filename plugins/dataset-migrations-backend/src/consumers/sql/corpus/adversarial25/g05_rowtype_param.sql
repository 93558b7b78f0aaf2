CREATE FUNCTION pg_temp.nn(r t) RETURNS integer LANGUAGE sql AS 'SELECT (r).id';
SELECT pg_temp.nn(t) AS i FROM t ORDER BY 1;
