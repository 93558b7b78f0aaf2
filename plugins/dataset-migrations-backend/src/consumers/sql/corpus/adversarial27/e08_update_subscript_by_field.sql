UPDATE items AS i SET scores[i.qty] = i.scores[1] * 10 WHERE i.id IN (1, 3);
SELECT id, scores FROM items ORDER BY id;
