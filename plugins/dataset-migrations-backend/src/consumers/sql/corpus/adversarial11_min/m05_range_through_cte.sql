WITH c AS (SELECT id, n FROM t) SELECT id FROM c WHERE n <@ int4range(0, 10) ORDER BY id;
