SELECT id, cust, amount,
       sum(amount) OVER (PARTITION BY cust ORDER BY id) AS running,
       rank() OVER (PARTITION BY cust ORDER BY amount DESC) AS rnk,
       amount - lag(amount) OVER w AS delta
FROM orders
WINDOW w AS (PARTITION BY cust ORDER BY created_at, id)
ORDER BY id;
