SELECT id, qty * 100 / sum(qty) OVER (PARTITION BY customer_id) AS pct, count(*) OVER () * 10 / sum(qty) OVER () AS per FROM orders ORDER BY id;
