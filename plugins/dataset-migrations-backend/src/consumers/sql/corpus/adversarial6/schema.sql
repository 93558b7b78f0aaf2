-- Sixth adversarial round (2026-12-03): realistic reporting SQL over orders,
-- customers and shipments, aimed at the fifth round's fixes (names passed on,
-- types a value shows, set operations, DML, joins, views).
CREATE TABLE orders (id integer, cust integer, qty integer, units smallint, note varchar(20), placed_at timestamp, status text);
INSERT INTO orders VALUES
  (1, 1, 5, 2, 'gift', '2024-01-01 10:00', 'paid'),
  (2, 1, 7, 3, 'rush', '2024-01-02 11:00', 'paid'),
  (3, 2, 11, 1, NULL, '2024-01-03 12:00', 'open'),
  (4, 3, 3, 4, 'gift', '2024-01-04 13:00', 'void');
CREATE TABLE customers (id integer, name text, tier integer, tiers smallint[], qty_caps integer[]);
INSERT INTO customers VALUES (1, 'ann', 1, '{2,3}', '{5,7,11}'), (2, 'bob', 2, '{1}', '{11}'), (3, 'cy', 1, '{}', '{}');
CREATE TABLE shipments (id integer, order_id integer, qty integer, cust integer);
INSERT INTO shipments VALUES (1, 1, 5, 1), (2, 2, 3, 1), (3, 3, 11, 2);
