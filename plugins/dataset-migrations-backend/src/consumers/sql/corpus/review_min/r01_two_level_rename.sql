WITH c AS (SELECT id, n FROM t), d AS (SELECT id, n AS m FROM c) SELECT id, m / 2 AS h FROM d ORDER BY id;
