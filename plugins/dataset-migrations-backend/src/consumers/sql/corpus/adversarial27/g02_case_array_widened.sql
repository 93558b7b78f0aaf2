SELECT id, CASE WHEN qty > 2 THEN ARRAY[qty] ELSE scores END AS arr FROM items ORDER BY id;
