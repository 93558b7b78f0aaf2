SELECT s = c AS same, count(*) AS cnt FROM t GROUP BY 1 ORDER BY 1;
