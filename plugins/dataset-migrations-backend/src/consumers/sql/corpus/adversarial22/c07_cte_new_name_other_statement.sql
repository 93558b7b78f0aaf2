WITH t2 AS (SELECT id, 0 AS n FROM u) SELECT id, n FROM t2 ORDER BY id;
SELECT t.id, t.n FROM t ORDER BY t.id;
