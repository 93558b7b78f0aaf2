-- Probes of the round after adversarial25 (2026-12-07): NATURAL and USING joins a
-- rename or an added field changes, set-returning functions and JSON_TABLE in
-- FROM beside the dataset, whole rows given to JSON or read for a field through
-- array_agg()/unnest(), keys spelled like a field, positional GROUP BY and
-- ORDER BY, char(n) padding, a column named like its table, a keyword and with a
-- space, regclass literals, CTEs named like the table or its new name, TABLE,
-- `orders*`, OPERATOR(pg_catalog./), LIMIT and sums as divisors under a widening.
CREATE TABLE customers (customer_id integer, name text, region text);
INSERT INTO customers VALUES (1, 'Ann', 'north'), (2, 'Bob', 'south'), (3, 'Cy', 'north'), (4, 'x', 'east');
CREATE TABLE orders (
  id integer PRIMARY KEY,
  customer_id integer,
  qty integer,
  amount numeric(10,2),
  code char(4),
  status varchar(10),
  label text,
  note text,
  "order" integer,
  "Odd Col" text,
  date date,
  orders text,
  items jsonb
);
INSERT INTO orders VALUES
  (1, 1, 3, 10.50, 'ab', 'paid', 'red', 'n1', 2, 'x1', '2026-01-10', 'o-1', '[{"sku": "A", "q": 1}, {"sku": "B", "q": 2}]'),
  (2, 1, 1, 3.00, 'ab  ', 'open', 'blue', NULL, 1, 'x2', '2026-01-11', 'o-2', '[{"sku": "A", "q": 5}]'),
  (3, 2, 7, 7.25, 'cde', 'paid', 'Red', 'n3', 3, NULL, '2026-02-01', 'o-3', '[]'),
  (4, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 3, 2, 20.00, 'ab', 'void', 'green', 'n5', 5, 'x5', '2026-03-05', 'o-5', '[{"sku": "C", "q": 3}]'),
  (6, 5, 4, 1.10, 'zz', 'open', 'blue', 'n6', 4, 'x6', '2026-03-07', 'o-6', '[{"sku": "B", "q": 1}]');
-- A copy with orders' columns, as a backup a diff compares with.
CREATE TABLE orders_archive AS SELECT * FROM orders WHERE id <> 6;
INSERT INTO orders_archive VALUES (6, 5, 9, 1.10, 'zz', 'open', 'teal', 'n6', 4, 'x6', '2026-03-07', 'o-6', '[]');
