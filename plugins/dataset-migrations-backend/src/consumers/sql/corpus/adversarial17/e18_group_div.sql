SELECT count(*) AS cnt FROM t GROUP BY n / 2 ORDER BY 1;
