SELECT cust, amount FROM orders WHERE status = 'paid'
UNION ALL
SELECT order_id, amount FROM payments
ORDER BY 1, 2;
