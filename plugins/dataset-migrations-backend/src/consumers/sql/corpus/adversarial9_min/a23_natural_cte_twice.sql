WITH c AS (SELECT id, label FROM u) SELECT id, k, c2.label FROM t NATURAL JOIN c JOIN c AS c2 USING (id) ORDER BY id;
