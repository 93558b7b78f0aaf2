CREATE TEMP VIEW paid AS SELECT order_id, customer_id, qty, price FROM orders WHERE status = 'paid';
CREATE TEMP VIEW paid_big AS SELECT * FROM paid WHERE qty > 2;
SELECT customer_id, sum(qty * price) AS revenue FROM paid_big GROUP BY customer_id ORDER BY customer_id;
