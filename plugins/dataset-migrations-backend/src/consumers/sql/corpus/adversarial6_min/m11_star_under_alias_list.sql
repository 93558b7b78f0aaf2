WITH c(a, b, m) AS (SELECT * FROM t) SELECT m / 2 AS h FROM c ORDER BY 1;
