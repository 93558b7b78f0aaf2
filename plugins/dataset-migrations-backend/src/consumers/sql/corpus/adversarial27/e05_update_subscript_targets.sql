UPDATE items SET scores[1] = 50, attrs['color'] = '"gold"' WHERE id = 3;
SELECT id, scores, attrs ->> 'color' AS color FROM items ORDER BY id;
