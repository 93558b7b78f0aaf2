SELECT t.id, k, (SELECT max(kk) FROM u WHERE u.id = s.id) AS m FROM t, (SELECT * FROM u) s WHERE s.id = t.id ORDER BY t.id;
