SELECT id FROM customers WHERE tier * 5 IN (SELECT qty FROM orders UNION SELECT qty FROM shipments) ORDER BY id;
