SELECT id, loc[0] AS x, loc[1] AS y FROM items WHERE loc IS NOT NULL ORDER BY id;
