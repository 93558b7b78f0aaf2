SELECT customer_id, sum(qty) / count(*) AS per_order, sum(qty) % 3 AS rem, qty / 2 AS half FROM orders GROUP BY customer_id, qty ORDER BY customer_id, qty;
