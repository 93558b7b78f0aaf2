SELECT c, count(*) AS cnt FROM t GROUP BY c ORDER BY c;
