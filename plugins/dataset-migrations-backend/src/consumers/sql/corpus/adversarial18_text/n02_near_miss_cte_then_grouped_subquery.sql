WITH c AS (SELECT ch FROM t)
SELECT (SELECT count(*) FROM u WHERE u.ch = c.ch) AS n, count(*) AS m FROM c GROUP BY c.ch ORDER BY 1, 2;
