UPDATE items SET tags[1:qty] = '{a,b,c}' WHERE id = 1;
SELECT id, tags FROM items ORDER BY id;
