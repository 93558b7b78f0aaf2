-- regions has code and label; customers has region, name.
SELECT o.id, c.name
FROM orders o NATURAL JOIN (SELECT id AS cust, name FROM customers) c
ORDER BY o.id;
