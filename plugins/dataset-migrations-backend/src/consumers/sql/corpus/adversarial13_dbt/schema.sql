-- Fourteenth adversarial round (2026-12-05): dbt Jinja that spells columns in
-- loops, lists, macros' defaults and vars, dbt_utils, incremental filters.
CREATE TABLE raw_orders (
  id integer, cust integer, amount integer, qty smallint, placed timestamp,
  status varchar(20), note text, updated_at timestamp);
INSERT INTO raw_orders VALUES
  (1, 1, 1000, 2, '2024-01-01 10:00', 'paid', 'first', '2024-01-02 00:00'),
  (2, 1, 2550, 1, '2024-01-02 23:30', 'paid', null, '2024-01-03 00:00'),
  (3, 2, 725, 3, '2024-02-01 08:15', 'open', 'gift', '2024-02-01 09:00'),
  (4, 3, 1301, 1, '2024-03-01 00:05', 'void', null, '2024-03-02 00:00'),
  (5, 3, 99, 2, '2024-03-05 12:00', 'open', 'x', '2024-03-05 13:00');
CREATE TABLE raw_customers (id integer, name text, tier text);
INSERT INTO raw_customers VALUES (1, 'Ada', 'gold'), (2, 'Bo', 'silver'), (3, 'Cy', 'gold');
