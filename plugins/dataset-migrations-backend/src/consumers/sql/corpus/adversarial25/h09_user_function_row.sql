CREATE FUNCTION pg_temp.half_of(r anyelement) RETURNS text LANGUAGE sql AS 'SELECT ((r).n / 2)::text';
SELECT id, pg_temp.half_of(t) AS h FROM t ORDER BY id;
