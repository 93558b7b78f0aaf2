CREATE FUNCTION pg_temp.padded() RETURNS TABLE (id integer, x text) LANGUAGE sql
BEGIN ATOMIC
  SELECT id, format('%s|', ch) FROM t WHERE ch IS NOT NULL;
END;
SELECT * FROM pg_temp.padded() ORDER BY 1;
