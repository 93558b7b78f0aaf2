SELECT label, (SELECT count(*) FROM t JOIN LATERAL unnest(ARRAY[x, 1]) e ON e > t.id) AS cnt FROM u ORDER BY label;
