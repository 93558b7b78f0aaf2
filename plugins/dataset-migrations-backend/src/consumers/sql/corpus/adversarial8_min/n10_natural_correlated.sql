SELECT id, k, (SELECT max(kk) FROM u WHERE u.id = s.id) AS m FROM t NATURAL JOIN (SELECT id FROM u) s ORDER BY id;
