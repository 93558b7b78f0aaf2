WITH sales AS (SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id)
SELECT o.id, s.total FROM orders o JOIN sales s ON s.customer_id = o.customer_id ORDER BY o.id;
