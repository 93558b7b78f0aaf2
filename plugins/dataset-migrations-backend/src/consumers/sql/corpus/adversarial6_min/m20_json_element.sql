SELECT t.id, v.doc -> t.n AS e, v.doc ->> (t.n - 4) AS f FROM t, v ORDER BY t.id;
