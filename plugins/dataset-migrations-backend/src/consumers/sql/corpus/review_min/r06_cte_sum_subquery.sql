WITH c AS (SELECT sum((SELECT n FROM t WHERE t.id = u.id)) AS total FROM u) SELECT total / 2 AS h FROM c;
