WITH c AS (SELECT id, ARRAY[0] || n AS arr FROM t) SELECT id, arr[2] / 2 AS h FROM c ORDER BY id;
