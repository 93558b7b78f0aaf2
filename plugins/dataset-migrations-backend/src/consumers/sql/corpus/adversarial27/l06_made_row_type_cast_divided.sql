CREATE TEMP TABLE l06_made AS SELECT id, qty FROM items;
SELECT (ROW(1, 7)::l06_made).qty / 2 AS half;
