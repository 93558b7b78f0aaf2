WITH c(x, y) AS (SELECT id, n FROM t) SELECT x, y / 2 AS half FROM c ORDER BY 1;
