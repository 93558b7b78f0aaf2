MERGE INTO orders o
USING (SELECT order_id, sum(amount) AS paid FROM payments GROUP BY order_id) p
ON p.order_id = o.id
WHEN MATCHED THEN UPDATE SET amount = p.paid;
SELECT id, amount FROM orders ORDER BY id;
