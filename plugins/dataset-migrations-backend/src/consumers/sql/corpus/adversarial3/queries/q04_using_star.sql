SELECT * FROM orders JOIN (SELECT id AS cust, name FROM customers) c USING (cust) ORDER BY id;
