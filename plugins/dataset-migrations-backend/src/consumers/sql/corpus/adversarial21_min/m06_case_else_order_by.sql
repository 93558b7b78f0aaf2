-- ORDER BY n is the output named n (the CASE), not the column.
SELECT id, CASE WHEN n > 4 THEN 0 ELSE n END FROM t ORDER BY n, id;
