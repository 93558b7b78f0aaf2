SELECT id, scores[qty] AS picked, tags[qty - 1] AS tag FROM items ORDER BY id;
