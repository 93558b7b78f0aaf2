-- Third adversarial round (2026-12): written to break the rewriter.
CREATE TABLE customers (
  id integer PRIMARY KEY,
  name text,
  region text,
  score numeric,
  total bigint,
  customer integer
);
INSERT INTO customers VALUES
  (1, 'Ann', 'north', 0, 0, 11),
  (2, 'Bob', 'south', 0, 0, 12),
  (3, 'Cid', 'north', 0, 0, 13),
  (4, 'Dan', 'east', 0, 0, 14),
  (5, 'Eve', 'west', 0, 0, 15);

CREATE TABLE regions (code text, label text);
INSERT INTO regions VALUES ('north', 'North'), ('south', 'South'), ('east', 'East'), ('west', 'West');

CREATE TABLE orders (
  id integer,
  cust integer,
  region text,
  amount integer,
  qty integer,
  status text,
  note varchar(20),
  created_at timestamp,
  ship_date date
);
INSERT INTO orders VALUES
  (1, 1, 'north', 10, 2, 'paid', 'Gift', '2024-01-10 10:00', '2024-01-11'),
  (2, 1, 'south', 25, 3, 'paid', 'gift', '2024-01-12 09:30', '2024-01-13'),
  (3, 2, 'south', 25, 1, 'open', NULL, '2024-02-01 00:00', '2024-02-02'),
  (4, 3, 'north', 7, 1, 'void', 'rush', '2024-02-15 23:59', '2024-02-16'),
  (5, NULL, 'east', 41, 4, NULL, 'Gift', '2024-03-01 12:00', '2024-03-03'),
  (6, 5, 'west', NULL, 2, 'paid', 'rush', '2024-03-02 08:00', NULL),
  (7, 3, 'north', 13, 5, 'open', 'bulk', '2024-03-20 18:00', '2024-03-21');

-- A table of the same name in another schema (search_path tests).
DROP SCHEMA IF EXISTS adversarial3_other CASCADE;
CREATE SCHEMA adversarial3_other;
CREATE TABLE adversarial3_other.orders (id integer, cust integer, amount integer);
INSERT INTO adversarial3_other.orders VALUES (100, 1, 5), (101, 2, 6);
