WITH c AS (SELECT id, j['k'] FROM t) SELECT id, j FROM c ORDER BY id;
