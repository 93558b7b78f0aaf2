SELECT customer_id, sum(qty) / count(*) AS avg_int, sum(qty) / 2 AS half FROM orders GROUP BY customer_id ORDER BY 1;
