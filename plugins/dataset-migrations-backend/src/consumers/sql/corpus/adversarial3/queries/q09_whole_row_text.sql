SELECT o::text AS r FROM orders o ORDER BY o.id;
