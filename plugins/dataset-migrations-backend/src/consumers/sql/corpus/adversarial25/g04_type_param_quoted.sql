CREATE FUNCTION pg_temp.lbl(x "t"."name"%TYPE) RETURNS text LANGUAGE sql AS 'SELECT upper(x)';
SELECT pg_temp.lbl('ann') AS l;
