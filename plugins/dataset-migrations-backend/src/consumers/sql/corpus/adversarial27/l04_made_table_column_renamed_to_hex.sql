CREATE TEMP TABLE l04_made AS SELECT id, qty FROM items;
ALTER TABLE l04_made RENAME COLUMN qty TO q;
SELECT id, to_hex(-q) AS h FROM l04_made ORDER BY id;
