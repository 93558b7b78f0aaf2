SELECT id, qty OPERATOR(pg_catalog./) 2 AS half, qty OPERATOR(pg_catalog.%) 2 AS odd FROM orders ORDER BY id;
