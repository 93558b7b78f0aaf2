WITH c AS (SELECT id, n::text FROM t) SELECT id, n FROM c ORDER BY id;
