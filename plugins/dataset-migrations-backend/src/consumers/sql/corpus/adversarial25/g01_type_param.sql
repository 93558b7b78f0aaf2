CREATE FUNCTION pg_temp.half(x t.n%TYPE) RETURNS numeric LANGUAGE sql AS 'SELECT x / 2';
SELECT id, pg_temp.half(n) AS h FROM t ORDER BY id;
