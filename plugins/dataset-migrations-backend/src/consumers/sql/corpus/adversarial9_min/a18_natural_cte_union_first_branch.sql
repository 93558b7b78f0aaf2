WITH c AS (SELECT id, label FROM u UNION SELECT wid, label FROM w) SELECT id, k, n FROM t NATURAL JOIN c ORDER BY id, k;
