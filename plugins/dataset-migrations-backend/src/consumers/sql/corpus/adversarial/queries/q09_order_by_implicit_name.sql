-- statuses by line count
SELECT status, count(*)
FROM orders
GROUP BY status, items
ORDER BY items DESC, status;
