UPDATE items SET loc[0] = 10 WHERE id = 1;
SELECT id, loc[0] + loc[1] AS s FROM items WHERE loc IS NOT NULL ORDER BY id;
