SELECT id, scores[2] FROM items ORDER BY id;
