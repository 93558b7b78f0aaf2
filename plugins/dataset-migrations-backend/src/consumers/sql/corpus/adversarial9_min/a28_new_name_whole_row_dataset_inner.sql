SELECT id, (SELECT t::text FROM w WHERE w.wid = t.k) AS r FROM t ORDER BY id;
