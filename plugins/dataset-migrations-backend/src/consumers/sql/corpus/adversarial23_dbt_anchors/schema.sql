-- Twenty-fourth round (2026-12-06): a sources file that names its schema once,
-- with a YAML anchor, and again through an alias (`schema: *raw_schema`), and
-- gives a table its defaults through a merge key (`<<: *`), as dbt's YAML (PyYAML)
-- reads them.
CREATE TABLE orders (id integer, customer_id integer, qty integer, amount_cents integer);
INSERT INTO orders VALUES (1, 1, 5, 1250), (2, 1, 7, 399), (3, 2, 11, 2000), (4, 3, 3, 150);
CREATE TABLE customers (id integer, name text);
INSERT INTO customers VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy'), (4, 'Dee');
CREATE TABLE refunds (id integer, order_id integer, cents integer);
INSERT INTO refunds VALUES (1, 1, 250), (2, 3, 1000);
