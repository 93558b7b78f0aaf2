SELECT id, (SELECT kk::text FROM w AS kk WHERE kk.wid = t.k) AS m FROM t ORDER BY id;
