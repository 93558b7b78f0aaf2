SELECT date_trunc('month', ts) AS mon, count(*) AS cnt FROM t WHERE ts IS NOT NULL GROUP BY 1 ORDER BY 1;
