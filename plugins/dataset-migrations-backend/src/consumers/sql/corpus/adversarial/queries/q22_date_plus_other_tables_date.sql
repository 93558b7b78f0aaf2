SELECT o.id, c.signup_date + o.ship_days AS promised
FROM orders o
JOIN customers c ON c.id = o.cust
ORDER BY o.id;
