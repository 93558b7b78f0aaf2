-- Orders whose quantities all fall within the customer's caps.
SELECT o.id FROM orders o JOIN customers c ON c.id = o.cust
WHERE ARRAY[o.qty] <@ c.qty_caps ORDER BY o.id;
