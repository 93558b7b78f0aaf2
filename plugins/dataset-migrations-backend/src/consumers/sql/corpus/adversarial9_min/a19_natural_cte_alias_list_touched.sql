WITH c(id, kk) AS (SELECT id, label FROM u) SELECT id, n FROM t NATURAL JOIN c ORDER BY id;
