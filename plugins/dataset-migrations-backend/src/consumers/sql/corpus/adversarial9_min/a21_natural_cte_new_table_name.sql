WITH t2 AS (SELECT id, label FROM u) SELECT id, k, label FROM t NATURAL JOIN t2 ORDER BY id;
