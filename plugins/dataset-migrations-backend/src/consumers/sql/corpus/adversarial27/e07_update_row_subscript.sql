UPDATE items SET (qty, scores[2]) = (SELECT 9, 99) WHERE id = 2;
SELECT id, qty, scores FROM items ORDER BY id;
