-- The first ON sees only customers and regions: region is customers'.
SELECT c.id AS cid, r.label, o.id AS oid
FROM customers c
JOIN regions r ON r.code = region
JOIN orders o ON o.cust = c.id
ORDER BY o.id;
