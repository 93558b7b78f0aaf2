CREATE TEMP TABLE l01_made AS SELECT id, qty FROM items;
ALTER TABLE l01_made RENAME COLUMN qty TO q;
SELECT id, q / 2 AS half FROM l01_made ORDER BY id;
