-- The project's three seeds (raw_customers, raw_orders, raw_payments), loaded as
-- the tables `ref('raw_…')` reads: the first rows of its seeds/*.csv, with user ids
-- and order ids remapped to the rows kept so that every join finds a partner.
CREATE TABLE raw_customers (id integer PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL);
INSERT INTO raw_customers VALUES
  (1, 'Michael', 'P.'), (2, 'Shawn', 'M.'), (3, 'Kathleen', 'P.'), (4, 'Jimmy', 'C.'), (5, 'Katherine', 'R.');

CREATE TABLE raw_orders (id integer PRIMARY KEY, user_id integer NOT NULL, order_date date NOT NULL, status text NOT NULL);
INSERT INTO raw_orders VALUES
  (1, 1, '2018-01-01', 'returned'), (2, 3, '2018-01-02', 'completed'), (3, 4, '2018-01-04', 'completed'),
  (4, 1, '2018-01-05', 'completed'), (5, 5, '2018-01-05', 'completed'), (6, 2, '2018-01-07', 'completed'),
  (7, 3, '2018-01-09', 'return_pending'), (8, 4, '2018-01-11', 'shipped');

CREATE TABLE raw_payments (id integer PRIMARY KEY, order_id integer NOT NULL, payment_method text NOT NULL, amount integer NOT NULL);
INSERT INTO raw_payments VALUES
  (1, 1, 'credit_card', 1000), (2, 2, 'credit_card', 2000), (3, 3, 'coupon', 100), (4, 4, 'coupon', 2500),
  (5, 5, 'bank_transfer', 1700), (6, 6, 'credit_card', 600), (7, 7, 'credit_card', 1650), (8, 8, 'credit_card', 2350),
  (9, 8, 'gift_card', 150), (10, 3, 'bank_transfer', 1299);
