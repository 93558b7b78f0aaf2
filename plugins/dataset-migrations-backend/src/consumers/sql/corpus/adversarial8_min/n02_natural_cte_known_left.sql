WITH c AS (SELECT id, label FROM u) SELECT id, label, k, n FROM c NATURAL LEFT JOIN t ORDER BY id;
