UPDATE items SET attrs['color'] = '"pink"' WHERE id = 2;
SELECT id, attrs ->> 'color' AS color FROM items ORDER BY id;
