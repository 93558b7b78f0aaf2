SELECT id, attrs['dims'] ->> 'h' AS h, attrs -> 'dims' -> 'w' AS w FROM items ORDER BY id;
