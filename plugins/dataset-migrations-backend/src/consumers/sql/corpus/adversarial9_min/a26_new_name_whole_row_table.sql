SELECT id, (SELECT w::text FROM w WHERE w.wid = t.k) AS m FROM t ORDER BY id;
