SELECT i.id, i.scores[array_upper(i.scores, 1)] AS last_score, i.tags[cardinality(i.tags)] AS last_tag
FROM items i
ORDER BY 1;
