SELECT *, count(*) OVER () FROM orders ORDER BY 2 NULLS FIRST, 1;
