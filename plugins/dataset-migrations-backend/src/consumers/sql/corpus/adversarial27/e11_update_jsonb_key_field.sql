UPDATE items SET attrs[sku] = '1' WHERE id = 1;
SELECT id, attrs FROM items ORDER BY id;
