CREATE TEMP TABLE l10_made AS SELECT id, qty FROM items;
SELECT (r).id, (r).qty / 2 AS half FROM (SELECT m::l10_made AS r FROM l10_made m) x ORDER BY 1;
