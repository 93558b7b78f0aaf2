UPDATE items SET scores[1] = 100, tags[2] = 'huge' WHERE id = 1;
SELECT id, scores, tags FROM items ORDER BY id;
