WITH c AS (SELECT id, n FROM t) SELECT id, n << 30 AS sh FROM c ORDER BY id;
