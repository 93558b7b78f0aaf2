-- Keyset pagination compares rows field by field.
SELECT id, qty FROM orders WHERE (qty, id) > (5, 1) ORDER BY qty, id LIMIT 10;
