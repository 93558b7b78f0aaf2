WITH c(x, y) AS (SELECT k, n FROM t) SELECT x, sum(y) AS total FROM c GROUP BY x ORDER BY x;
