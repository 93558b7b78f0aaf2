WITH c AS (SELECT * FROM t) SELECT id, k, n, label FROM c NATURAL JOIN (SELECT id, label FROM u) s ORDER BY id;
