-- Seventh adversarial round (2026-12-03): a source table under another
-- name (identifier), read by incremental, ephemeral and plain models.
CREATE TABLE raw_orders (id integer, cust integer, qty integer, placed date);
INSERT INTO raw_orders VALUES (1, 1, 5, '2024-01-01'), (2, 1, 7, '2024-01-02'), (3, 2, 11, '2024-02-01'), (4, 3, 3, '2024-03-01');
