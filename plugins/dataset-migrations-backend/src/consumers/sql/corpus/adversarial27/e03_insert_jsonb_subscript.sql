INSERT INTO items (id, attrs['color']) VALUES (7, '"teal"');
SELECT id, attrs ->> 'color' AS color FROM items ORDER BY id;
