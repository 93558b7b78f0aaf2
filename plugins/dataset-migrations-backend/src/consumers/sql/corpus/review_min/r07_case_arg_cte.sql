WITH c AS (SELECT id, CASE n WHEN 5 THEN 'five' ELSE 'other' END AS label FROM t) SELECT id, label FROM c ORDER BY id;
