CREATE TEMP VIEW l02_view AS SELECT id, qty FROM items;
ALTER VIEW l02_view RENAME COLUMN qty TO q;
SELECT id, q / 2 AS half FROM l02_view ORDER BY id;
