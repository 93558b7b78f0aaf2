SELECT o.id FROM orders o JOIN customers c ON c.id = o.cust
WHERE ARRAY[o.units] && c.tiers ORDER BY o.id;
