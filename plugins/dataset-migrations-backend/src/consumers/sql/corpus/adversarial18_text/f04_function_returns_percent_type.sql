CREATE FUNCTION pg_temp.pad() RETURNS t.ch%TYPE LANGUAGE sql AS 'SELECT ''ab''';
SELECT pg_temp.pad() || '|' AS a, octet_length(pg_temp.pad()) AS b, pg_typeof(pg_temp.pad())::text AS c;
