-- Sixth adversarial round (2026-12-03): a seed read through ref() in dbt's
-- two-argument form, and models read by it.
CREATE TABLE raw_orders (id integer, cust integer, qty integer);
INSERT INTO raw_orders VALUES (1, 1, 5), (2, 1, 7), (3, 2, 11), (4, 3, 3);
