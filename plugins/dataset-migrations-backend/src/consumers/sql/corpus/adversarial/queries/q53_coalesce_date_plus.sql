SELECT o.id, coalesce(c.signup_date, date '2024-01-01') + o.ship_days AS eta
FROM orders o LEFT JOIN customers c ON c.id = o.cust
ORDER BY o.id;
