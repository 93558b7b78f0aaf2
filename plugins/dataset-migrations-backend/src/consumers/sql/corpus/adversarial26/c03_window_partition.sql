SELECT id, customer_id, qty, sum(qty) OVER (PARTITION BY customer_id ORDER BY id) AS running,
       rank() OVER (PARTITION BY status ORDER BY amount DESC) AS rk
FROM orders ORDER BY id;
