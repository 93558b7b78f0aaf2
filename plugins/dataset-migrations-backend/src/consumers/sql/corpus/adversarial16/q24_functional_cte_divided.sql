WITH c AS (SELECT id, n FROM t) SELECT id, n(c) / 2 AS h FROM c;
