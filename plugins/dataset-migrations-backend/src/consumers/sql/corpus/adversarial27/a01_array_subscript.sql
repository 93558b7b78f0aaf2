SELECT id, scores[1] AS first_score FROM items WHERE scores IS NOT NULL ORDER BY id;
