CREATE TEMP TABLE tally (customer_id integer, total integer);
INSERT INTO tally SELECT customer_id, 0 FROM customers;
UPDATE tally SET total = s.q FROM (SELECT customer_id, sum(qty) AS q FROM orders GROUP BY customer_id) s WHERE s.customer_id = tally.customer_id;
SELECT * FROM tally ORDER BY customer_id;
