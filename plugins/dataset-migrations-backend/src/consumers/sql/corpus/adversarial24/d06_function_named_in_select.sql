CREATE FUNCTION pg_temp.half_n(i integer) RETURNS integer LANGUAGE sql AS $$ SELECT n / 2 FROM t WHERE id = i $$;
SELECT id, pg_temp.half_n(id) AS h FROM u ORDER BY id;
