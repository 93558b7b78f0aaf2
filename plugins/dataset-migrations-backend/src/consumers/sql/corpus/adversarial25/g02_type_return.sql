CREATE FUNCTION pg_temp.first_n() RETURNS t.n%TYPE LANGUAGE sql AS 'SELECT 7';
SELECT pg_temp.first_n() / 2 AS h;
