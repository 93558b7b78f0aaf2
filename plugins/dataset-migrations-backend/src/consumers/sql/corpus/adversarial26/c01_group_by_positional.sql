SELECT customer_id, status, sum(qty) AS total, count(*) FILTER (WHERE note IS NOT NULL) AS noted
FROM orders GROUP BY 1, 2 ORDER BY 1, 2;
