WITH c AS (SELECT id, n FROM t), d AS (SELECT id, max(n) AS m FROM c GROUP BY id) SELECT id, m / 2 AS h FROM d ORDER BY id;
