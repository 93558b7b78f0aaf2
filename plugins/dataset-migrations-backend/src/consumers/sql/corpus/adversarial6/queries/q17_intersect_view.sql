CREATE TEMP VIEW shipped_qty AS SELECT qty AS n FROM shipments INTERSECT SELECT qty FROM orders;
SELECT n / 2 AS half FROM shipped_qty ORDER BY 1;
