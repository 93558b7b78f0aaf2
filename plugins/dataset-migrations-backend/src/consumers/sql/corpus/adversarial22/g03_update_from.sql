UPDATE u SET v = t.n FROM t WHERE u.id = t.id;
SELECT id, v FROM u ORDER BY id;
