SELECT DISTINCT ON (tags[1]) tags[1] AS t, id, sku
FROM items
WHERE tags[1] IS NOT NULL
ORDER BY tags[1], id DESC;
