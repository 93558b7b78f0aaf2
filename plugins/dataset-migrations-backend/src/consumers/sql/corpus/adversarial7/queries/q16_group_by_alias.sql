SELECT date_trunc('month', placed)::date AS month, count(*) AS n FROM orders GROUP BY month ORDER BY month;
