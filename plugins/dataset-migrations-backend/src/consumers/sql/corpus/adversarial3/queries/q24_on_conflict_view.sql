INSERT INTO customers (id, name) VALUES (1, 'x')
ON CONFLICT (id) DO UPDATE SET score = (SELECT sum(o.amount) FROM orders o WHERE o.cust = EXCLUDED.id AND o.status = 'paid');
SELECT id, score FROM customers ORDER BY id;
