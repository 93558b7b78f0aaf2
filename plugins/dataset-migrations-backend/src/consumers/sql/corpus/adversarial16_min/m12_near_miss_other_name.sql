CREATE TEMP TABLE x AS SELECT id, x AS k FROM u;
ALTER TABLE x RENAME TO t3;
SELECT t.id, t.k, t3.k AS other FROM t JOIN t3 ON t3.id = t.id ORDER BY t.id;
