SELECT id, sku FROM items ORDER BY scores[1] NULLS LAST, id;
