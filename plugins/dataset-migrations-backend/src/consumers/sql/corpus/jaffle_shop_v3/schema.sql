-- The six seeds of dbt-labs/jaffle-shop (seeds/jaffle-data/*.csv): customers,
-- stores, products and supplies are the files' first rows; raw_orders and raw_items
-- (absent from the snapshot, stored outside git) are generated with the columns the
-- staging models read, amounts in cents as the seeds have them.
CREATE TABLE raw_customers (id text, name text);
INSERT INTO raw_customers VALUES
  ('50a2d1c4-d788-4498-a6f7-dd75d4db588f', 'Stephanie Love'),
  ('438005c2-dd1d-48aa-8bfd-7fb06851b5f8', 'Kristi Keller'),
  ('5261268c-aa94-438a-921a-05efc0d414ac', 'Allison Oliver'),
  ('f8486fce-bc07-4a4f-a6e9-ed6a06ba996c', 'Nancy Austin'),
  ('341ed9b2-1760-4720-a1b1-42681d273c63', 'Christy Rios');

CREATE TABLE raw_stores (id text, name text, opened_at timestamp, tax_rate double precision);
INSERT INTO raw_stores VALUES
  ('4b6c2304-2b9e-41e4-942a-cf11a1819378', 'Philadelphia', '2016-09-01T00:00:00', 0.06),
  ('40e6ddd6-b8f6-4e17-8bd6-5e53966809d2', 'Brooklyn', '2017-03-12T00:00:00', 0.04),
  ('1ce7ac35-d296-4e34-89c4-bf92aa2fe751', 'Chicago', '2018-04-29T00:00:00', 0.0625);

CREATE TABLE raw_products (sku text, name text, type text, price integer, description text);
INSERT INTO raw_products VALUES
  ('JAF-001', 'nutellaphone who dis?', 'jaffle', 1100, 'nutella and banana jaffle'),
  ('JAF-002', 'doctor stew', 'jaffle', 1100, 'house-made beef stew jaffle'),
  ('BEV-001', 'tangaroo', 'beverage', 600, 'mango and tangerine smoothie'),
  ('BEV-002', 'chai and mighty', 'beverage', 500, 'oatmilk chai latte with protein boost');

CREATE TABLE raw_supplies (id text, name text, cost integer, perishable boolean, sku text);
INSERT INTO raw_supplies VALUES
  ('SUP-001', 'compostable cutlery - knife', 7, false, 'JAF-001'),
  ('SUP-002', 'cutlery - fork', 7, false, 'JAF-001'),
  ('SUP-009', 'bread', 33, true, 'JAF-001'),
  ('SUP-012', 'banana', 13, true, 'JAF-001'),
  ('SUP-001', 'compostable cutlery - knife', 7, false, 'JAF-002'),
  ('SUP-013', 'beef stew', 169, true, 'JAF-002');

CREATE TABLE raw_orders (id text, customer text, ordered_at timestamp, store_id text,
  subtotal integer, tax_paid integer, order_total integer);
INSERT INTO raw_orders
SELECT 'order-' || k, (SELECT id FROM raw_customers ORDER BY id OFFSET k % 5 LIMIT 1),
  timestamp '2016-09-01 07:00' + k * interval '29 hours 13 minutes',
  (SELECT id FROM raw_stores ORDER BY id OFFSET k % 3 LIMIT 1),
  -- Odd cents, so dividing by 100 as integers would show.
  1100 + k * 37 % 500, 66 + k % 7, 1166 + k * 37 % 500 + k % 7
FROM generate_series(1, 12) k;

CREATE TABLE raw_items (id text, order_id text, sku text);
INSERT INTO raw_items
SELECT 'item-' || k, 'order-' || (1 + k % 12),
  (ARRAY['JAF-001', 'JAF-002', 'BEV-001', 'BEV-002'])[1 + k % 4]
FROM generate_series(1, 20) k;
