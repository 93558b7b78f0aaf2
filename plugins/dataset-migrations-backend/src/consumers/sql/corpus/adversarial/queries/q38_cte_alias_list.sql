WITH o(order_id, customer, value) AS (
  SELECT id, cust, amount FROM orders
)
SELECT customer, sum(value) AS total
FROM o
GROUP BY customer
ORDER BY customer NULLS FIRST;
