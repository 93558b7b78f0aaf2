SELECT i.id, g, i.scores[g] AS score
FROM items i, generate_series(1, cardinality(i.scores)) g
ORDER BY 1, 2;
