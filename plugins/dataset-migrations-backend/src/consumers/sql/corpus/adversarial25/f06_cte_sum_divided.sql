WITH c AS (SELECT sum(n) AS total FROM t) SELECT total / 4 AS q FROM c;
