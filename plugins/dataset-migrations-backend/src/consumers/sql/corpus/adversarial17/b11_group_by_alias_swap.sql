SELECT k AS n, count(*) AS cnt FROM t GROUP BY n, k ORDER BY 1, 2;
