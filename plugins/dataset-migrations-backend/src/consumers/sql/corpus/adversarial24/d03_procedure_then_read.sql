CREATE PROCEDURE pg_temp.halve() LANGUAGE sql AS $$ UPDATE t SET n = n / 2 $$;
CALL pg_temp.halve();
SELECT id, n FROM t ORDER BY id;
