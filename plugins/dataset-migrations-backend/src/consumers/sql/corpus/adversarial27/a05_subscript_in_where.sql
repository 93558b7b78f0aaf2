SELECT id, sku FROM items WHERE scores[1] > 2 ORDER BY id;
