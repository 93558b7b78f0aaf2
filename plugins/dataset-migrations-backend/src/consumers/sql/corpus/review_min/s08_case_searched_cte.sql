WITH c AS (SELECT id, CASE WHEN n > 6 THEN 'big' ELSE 'small' END AS label FROM t) SELECT id, label FROM c ORDER BY id;
