SELECT customer_id, name, count(order_id) AS orders FROM customers LEFT JOIN orders USING (customer_id) GROUP BY customer_id, name ORDER BY customer_id;
