-- Twenty-fifth round (2026-12-06): a dbt project reading its source through
-- Jinja other than a bare `{{ source() }}`: a relation set to a variable, a
-- source() given keyword arguments, a loop over column names, a macro taking a
-- column's name.
CREATE TABLE orders (id integer, customer_id integer, qty integer, amount_cents integer, status text, placed date);
INSERT INTO orders VALUES
  (1, 1, 5, 1250, 'shipped', '2024-01-01'),
  (2, 1, 7, 399, 'placed', '2024-01-02'),
  (3, 2, 11, 2000, 'shipped', '2024-02-01'),
  (4, 3, 3, 150, 'returned', '2024-03-01');
CREATE TABLE customers (id integer, name text);
INSERT INTO customers VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy'), (4, 'Dee');
