WITH t2 AS -- per id
(SELECT id, 0 AS n FROM u)
SELECT t.id, t.n, t2.n AS z FROM t JOIN t2 ON t2.id = t.id ORDER BY t.id;
