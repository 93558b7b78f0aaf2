SELECT o.* FROM orders o WHERE o.id < 3
UNION ALL
SELECT o.* FROM orders o WHERE o.id > 5
ORDER BY 1;
