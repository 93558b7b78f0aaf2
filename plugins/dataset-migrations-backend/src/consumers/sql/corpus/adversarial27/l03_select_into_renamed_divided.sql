SELECT id, qty INTO TEMP l03_made FROM items;
ALTER TABLE l03_made RENAME qty TO q;
SELECT id, q / 2 AS half FROM l03_made ORDER BY id;
