SELECT * FROM orders JOIN customers USING (customer_id) ORDER BY id;
