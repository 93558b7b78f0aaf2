SELECT t.id, k, (SELECT max(kk) FROM u WHERE u.id = s.id) AS m FROM t JOIN (SELECT id, x AS kk FROM u) s ON s.id = t.id ORDER BY t.id;
