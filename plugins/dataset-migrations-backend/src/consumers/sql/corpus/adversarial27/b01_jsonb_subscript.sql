SELECT id, attrs['color'] AS color, attrs['dims']['w'] AS w FROM items ORDER BY id;
