-- A near miss: the made table renamed whole, its column kept (flagged).
CREATE TEMP TABLE l08_made AS SELECT id, qty FROM items;
ALTER TABLE l08_made RENAME TO l08_moved;
SELECT id, qty / 2 AS half FROM l08_moved ORDER BY id;
