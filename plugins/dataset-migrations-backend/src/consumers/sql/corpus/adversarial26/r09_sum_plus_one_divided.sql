SELECT customer_id, (sum(qty) + 1) / 2 AS half_up, -sum(qty) / 2 AS neg_half, sum(qty) * 3 / 2 AS scaled FROM orders GROUP BY customer_id ORDER BY 1;
