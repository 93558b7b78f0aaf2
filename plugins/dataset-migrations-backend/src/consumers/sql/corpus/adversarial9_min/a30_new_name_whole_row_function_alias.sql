SELECT id, (SELECT kk::text FROM w WHERE w.wid = t.k) AS m FROM t, generate_series(1, 1) AS kk ORDER BY id;
