INSERT INTO customers (id, total)
SELECT cust, count(*) FROM orders WHERE cust IS NOT NULL GROUP BY cust
ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total + (SELECT count(*) FROM orders o2 WHERE o2.cust = EXCLUDED.id AND o2.status = 'open');
SELECT id, total FROM customers ORDER BY id;
