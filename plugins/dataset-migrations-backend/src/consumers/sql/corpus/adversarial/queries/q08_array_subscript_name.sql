SELECT id, tags[1]
FROM orders
WHERE tags IS NOT NULL
ORDER BY id;
