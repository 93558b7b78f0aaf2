-- Seventh adversarial round (2026-12-03): realistic reports over orders,
-- customers and order lines.
CREATE TABLE customers (customer_id integer, name text, "Region" text, tier text, signup date);
INSERT INTO customers VALUES
  (1, 'Ada', 'North', 'gold', '2023-01-05'),
  (2, 'Bo', 'South', 'silver', '2023-02-11'),
  (3, 'Cy', 'North', 'bronze', '2023-03-20'),
  (4, 'Di', 'East', 'gold', '2023-04-02');
CREATE TABLE orders (order_id integer, customer_id integer, qty integer, price numeric(10,2), status text, placed date, "Channel" text, parent_id integer);
INSERT INTO orders VALUES
  (1, 1, 3, 9.99, 'paid', '2024-01-03', 'web', NULL),
  (2, 1, 1, 120.00, 'paid', '2024-01-17', 'store', 1),
  (3, 2, 7, 4.50, 'refunded', '2024-02-02', 'web', NULL),
  (4, 3, 2, 15.25, 'paid', '2024-02-14', 'web', 3),
  (5, 3, 5, 2.10, 'open', '2024-03-01', 'store', 4),
  (6, 4, 11, 7.77, 'paid', '2024-03-09', 'phone', NULL),
  (7, 2, 4, 3.33, 'paid', '2024-03-30', 'web', 3);
CREATE TABLE lines (order_id integer, sku text, units integer);
INSERT INTO lines VALUES (1, 'A', 2), (1, 'B', 1), (2, 'A', 1), (3, 'C', 7), (4, 'B', 2), (6, 'A', 11), (7, 'C', 4);
