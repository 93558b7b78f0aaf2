INSERT INTO orders (id, cust, amount) SELECT 99, 1, avg(amount) FROM orders;
SELECT id, amount FROM orders WHERE id = 99;
