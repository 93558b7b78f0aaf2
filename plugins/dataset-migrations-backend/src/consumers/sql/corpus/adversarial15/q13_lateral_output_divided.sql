SELECT t.id, l.x / 2 AS half FROM t, LATERAL (SELECT t.n AS x) l ORDER BY t.id;
