CREATE FUNCTION pg_temp.rows_of() RETURNS SETOF t LANGUAGE sql AS 'SELECT * FROM t';
SELECT id, n / 2 AS half FROM pg_temp.rows_of() ORDER BY id;
