CREATE FUNCTION pg_temp.label_of(x smallint, prefix text DEFAULT '#') RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT prefix || x $$;
SELECT id, pg_temp.label_of(prefix => 'no ', x => s) AS tag FROM t ORDER BY id;
