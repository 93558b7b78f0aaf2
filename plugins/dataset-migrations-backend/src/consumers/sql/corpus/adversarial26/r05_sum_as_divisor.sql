SELECT customer_id, count(*) * 10 / sum(qty) AS per FROM orders GROUP BY customer_id HAVING sum(qty) > 0 ORDER BY 1;
