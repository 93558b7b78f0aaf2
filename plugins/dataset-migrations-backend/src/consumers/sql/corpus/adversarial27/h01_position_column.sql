SELECT id, position, position('-' IN sku) AS dash FROM items WHERE position IS NOT NULL ORDER BY position;
