SELECT t.id, k, (SELECT max(kk) FROM u WHERE u.id = c.id) AS m FROM t JOIN (WITH w AS (SELECT id, label FROM u) SELECT id, label FROM w) c ON c.id = t.id ORDER BY t.id;
