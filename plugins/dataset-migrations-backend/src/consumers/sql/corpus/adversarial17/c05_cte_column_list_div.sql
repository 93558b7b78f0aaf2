WITH c(a, b) AS (SELECT k, n FROM t)
SELECT a, b / 2 AS half FROM c ORDER BY a, half;
