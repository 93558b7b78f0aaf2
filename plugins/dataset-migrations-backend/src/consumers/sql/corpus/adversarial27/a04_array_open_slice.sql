SELECT id, scores[:2] AS head, scores[2:] AS tail FROM items ORDER BY id;
