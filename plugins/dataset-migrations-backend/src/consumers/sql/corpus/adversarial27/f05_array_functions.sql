SELECT id, array_to_string(tags, '/') AS path, array_length(scores, 1) AS n, array_position(tags, 'small') AS p
FROM items
ORDER BY id;
