SELECT attrs ->> 'color' AS color, json_agg(scores[1] ORDER BY id) AS firsts
FROM items
GROUP BY 1
ORDER BY 1;
