-- customers.total read unqualified inside a subquery over orders.
SELECT c.id, (SELECT count(*) FROM orders o WHERE o.cust = c.id AND o.amount < total) AS n
FROM customers c ORDER BY c.id;
