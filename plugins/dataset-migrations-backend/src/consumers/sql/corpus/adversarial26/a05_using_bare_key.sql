SELECT customer_id, count(*) AS n, sum(qty) AS total FROM orders LEFT JOIN customers USING (customer_id) GROUP BY 1 ORDER BY 1;
