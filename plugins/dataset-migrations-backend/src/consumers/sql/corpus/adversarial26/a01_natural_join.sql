SELECT o.id, name, region FROM orders o NATURAL JOIN customers ORDER BY o.id;
