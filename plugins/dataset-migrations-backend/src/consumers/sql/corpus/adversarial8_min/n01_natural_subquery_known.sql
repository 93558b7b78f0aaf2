SELECT id, k, n, d FROM t NATURAL JOIN (SELECT id, label FROM u) s ORDER BY id;
