WITH "T2" AS (SELECT id, 0 AS n FROM u)
SELECT t.id, t.n, "T2".n AS z FROM t JOIN "T2" ON "T2".id = t.id ORDER BY t.id;
