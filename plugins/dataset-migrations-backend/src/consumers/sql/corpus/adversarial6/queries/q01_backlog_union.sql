-- Open quantity per customer: ordered minus shipped, as one stream.
WITH movements AS (
  SELECT cust AS customer_id, qty AS delta FROM orders WHERE status <> 'void'
  UNION ALL
  SELECT cust, -qty FROM shipments
)
SELECT customer_id, sum(delta) AS open_qty, sum(delta) / 2 AS half_open
FROM movements GROUP BY customer_id ORDER BY customer_id;
