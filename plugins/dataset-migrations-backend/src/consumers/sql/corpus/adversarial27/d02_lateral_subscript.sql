SELECT i.id, x.top
FROM items i
CROSS JOIN LATERAL (SELECT i.scores[1] + i.scores[2] AS top) x
WHERE i.scores[2] IS NOT NULL
ORDER BY 1;
