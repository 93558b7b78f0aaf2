-- Renames to reserved words / value functions must be quoted to read the column.
SELECT o.id, cust, o.cust + 0 AS c2, status
FROM orders o
WHERE cust IS NOT NULL
ORDER BY o.id;
