SELECT orders.name,
       (SELECT count(*) FROM orders o2 WHERE o2.cust = orders.id) AS n
FROM customers orders
ORDER BY orders.id;
