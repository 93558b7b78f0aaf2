SELECT id, position('2' IN sku) FROM items ORDER BY 1;
