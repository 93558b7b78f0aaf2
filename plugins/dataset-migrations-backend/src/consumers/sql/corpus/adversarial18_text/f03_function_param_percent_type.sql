CREATE FUNCTION pg_temp.show(x t.d%TYPE) RETURNS text LANGUAGE sql AS 'SELECT x::text';
SELECT pg_temp.show('2024-02-29 10:00') AS s;
