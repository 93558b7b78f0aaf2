WITH c(a, b) AS (SELECT k, n FROM t)
SELECT a, b FROM c ORDER BY a, b;
