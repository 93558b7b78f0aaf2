SELECT id, n, k2 FROM t NATURAL JOIN LATERAL (SELECT id, t.k + 1 AS k2 FROM u WHERE u.id = t.id) s ORDER BY id;
