SELECT tags[1] AS first_tag, count(*) AS n, sum(scores[1]) AS total FROM items GROUP BY tags[1] ORDER BY 1;
