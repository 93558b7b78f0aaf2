WITH c(x, y) AS (SELECT k, n FROM t) SELECT x, y / 2 AS half FROM c ORDER BY 1, 2;
