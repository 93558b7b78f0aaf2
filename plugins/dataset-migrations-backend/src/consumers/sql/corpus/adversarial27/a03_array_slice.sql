SELECT id, scores[2:3] AS mid, tags[1:1] AS first_tag FROM items ORDER BY id;
