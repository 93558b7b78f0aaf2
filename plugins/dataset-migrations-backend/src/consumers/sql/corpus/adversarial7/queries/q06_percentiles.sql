SELECT status, percentile_cont(0.5) WITHIN GROUP (ORDER BY qty) AS median_qty, mode() WITHIN GROUP (ORDER BY customer_id) AS top_customer
FROM orders GROUP BY status ORDER BY status;
