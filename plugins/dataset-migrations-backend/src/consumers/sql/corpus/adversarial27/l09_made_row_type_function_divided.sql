CREATE TEMP TABLE l09_made AS SELECT id, qty FROM items;
CREATE FUNCTION pg_temp.l09_half(r l09_made) RETURNS numeric LANGUAGE sql AS $$ SELECT r.qty / 2 $$;
SELECT id, pg_temp.l09_half(m) AS half FROM l09_made m ORDER BY id;
