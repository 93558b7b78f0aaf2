INSERT INTO items (id, scores[2], tags[1], attrs['color']) VALUES (8, 11, 'new', '"lime"');
SELECT id, scores, tags, attrs FROM items ORDER BY id;
