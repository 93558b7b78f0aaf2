INSERT INTO items (id, scores[(SELECT max(qty) FROM items)]) VALUES (9, 1);
SELECT id, scores FROM items ORDER BY id;
