WITH c(a) AS (SELECT k, n FROM t)
SELECT a, n FROM c ORDER BY a, n;
