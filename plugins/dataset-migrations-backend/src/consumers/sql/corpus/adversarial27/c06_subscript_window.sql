SELECT id, sum(scores[1]) OVER (PARTITION BY tags[1] ORDER BY id) AS running
FROM items
ORDER BY id;
