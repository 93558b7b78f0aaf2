SELECT id, (SELECT kk::text FROM w WHERE w.wid = t.k) AS m FROM t, (SELECT id AS uid FROM u WHERE id = 1) kk ORDER BY id;
