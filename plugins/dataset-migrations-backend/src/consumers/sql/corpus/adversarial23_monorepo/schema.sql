-- Twenty-fourth round (2026-12-06): a repository holding two dbt projects that
-- declare the same source, shop.orders, at different schemas: the shop's
-- project reads raw.orders, the dataset; the archive's reads archive.orders.
-- The harness keeps one schema per source and serves a source by its table
-- name, so here both read the dataset's rows.
CREATE TABLE orders (id integer, customer_id integer, qty integer, amount_cents integer);
INSERT INTO orders VALUES (1, 1, 5, 1250), (2, 1, 7, 399), (3, 2, 11, 2000), (4, 3, 3, 150);
