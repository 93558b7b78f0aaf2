SELECT customer_id, ((array_agg(o ORDER BY o.id))[1]).qty / 2 AS half_first FROM orders o GROUP BY customer_id ORDER BY 1;
