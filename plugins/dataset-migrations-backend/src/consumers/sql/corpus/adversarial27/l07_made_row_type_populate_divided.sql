CREATE TEMP TABLE l07_made AS SELECT id, qty FROM items;
SELECT (jsonb_populate_record(NULL::l07_made, '{"id": 1, "qty": 7}')).qty / 2 AS half;
