CREATE TABLE customers (
  id integer,
  name text,
  region text,
  customer_id integer,
  signup_date date,
  "Segment" text
);
INSERT INTO customers VALUES
  (1, 'Ann', 'north', 101, '2024-01-01', 'Gold'),
  (2, 'Bob', 'south', 102, '2024-01-05', 'Silver'),
  (3, 'ann', 'north', 103, '2024-02-01', NULL),
  (4, 'Dan', NULL, NULL, '2024-03-01', 'Gold'),
  (5, 'Eve', 'east', 1, '2024-03-15', 'Bronze');

CREATE TABLE orders (
  id integer,
  cust integer,
  amount integer,
  qty integer,
  items integer,
  ship_days integer,
  status text,
  note varchar(20),
  created_at timestamp,
  tags text[],
  payload jsonb,
  "Amount" numeric(10,2)
);
INSERT INTO orders VALUES
  (1, 1, 10, 2, 3, 5, 'paid', 'Gift', '2024-01-10 10:00', '{a,b}', '{"channel":"web","cust":1}', 10.50),
  (2, 1, 25, 3, 1, 2, 'paid', 'gift', '2024-01-12 09:30', '{b}', '{"channel":"app"}', 25.00),
  (3, 2, 25, 0, 2, 7, 'open', NULL, '2024-02-01 00:00', '{}', NULL, NULL),
  (4, 3, 7, 1, 5, 1, 'void', 'rush', '2024-02-15 23:59', '{c}', '{"channel":"web"}', 7.25),
  (5, NULL, 40, 4, 2, 3, NULL, 'Gift', '2024-03-01 12:00', NULL, '{}', 40.00),
  (6, 5, NULL, 2, 4, 10, 'paid', 'rush', '2024-03-02 08:00', '{a}', '{"cust":5}', NULL),
  (7, 3, 13, 5, 1, 4, 'open', 'bulk', '2024-03-20 18:00', '{a,c}', '{"channel":"app"}', 13.00),
  (8, 1, 10, 2, 3, 5, 'paid', 'Gift', '2024-01-10 10:00', '{a,b}', '{"channel":"web","cust":1}', 10.50);

CREATE TABLE orders_archive (
  id integer,
  cust integer,
  amount integer,
  qty integer,
  items integer,
  ship_days integer,
  status text,
  note varchar(20),
  created_at timestamp,
  tags text[],
  payload jsonb,
  "Amount" numeric(10,2)
);
INSERT INTO orders_archive VALUES
  (1, 1, 10, 2, 3, 5, 'paid', 'Gift', '2024-01-10 10:00', '{a,b}', '{"channel":"web","cust":1}', 10.50),
  (2, 1, 25, 3, 1, 2, 'paid', 'gift', '2024-01-12 09:30', '{b}', '{"channel":"app"}', 25.00),
  (9, 4, 99, 9, 9, 9, 'paid', 'old', '2023-12-31 23:00', '{z}', '{}', 99.00);

CREATE TABLE payments (
  id integer,
  order_id integer,
  amount integer,
  method text,
  paid_at timestamp
);
INSERT INTO payments VALUES
  (1, 1, 10, 'card', '2024-01-10 10:05'),
  (2, 2, 20, 'card', '2024-01-12 09:35'),
  (3, 2, 5, 'cash', '2024-01-13 11:00'),
  (4, 4, 7, 'card', '2024-02-16 08:00'),
  (5, 7, 13, 'wire', '2024-03-21 09:00'),
  (6, 99, 1, 'card', '2024-03-22 09:00'),
  (7, NULL, 3, 'cash', NULL);

CREATE TABLE regions (
  code text,
  name text,
  manager text
);
INSERT INTO regions VALUES
  ('north', 'North', 'Kim'),
  ('south', 'South', 'Lee'),
  ('east', 'East', NULL);
