SELECT k % 20 AS x, count(*) AS cnt FROM t GROUP BY x ORDER BY x;
