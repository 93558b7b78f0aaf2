-- customers.name / region read unqualified inside a subquery over orders.
SELECT c.id,
       (SELECT count(*) FROM orders o WHERE o.cust = c.id AND o.region = region) AS same_region
FROM customers c
ORDER BY c.id;
