-- Twenty-fourth round (2026-12-06): a staging model the rewriter rewrites (a
-- renamed field, or one renamed and widened at once) passes a widened field on,
-- as it is, to marts that divide it.
CREATE TABLE orders (id integer, customer_id integer, qty integer, amount_cents integer);
INSERT INTO orders VALUES (1, 1, 5, 1250), (2, 1, 7, 399), (3, 2, 11, 2000), (4, 3, 3, 150);
