SELECT id, repeat('*', qty) AS bar FROM orders WHERE qty IS NOT NULL ORDER BY id;
