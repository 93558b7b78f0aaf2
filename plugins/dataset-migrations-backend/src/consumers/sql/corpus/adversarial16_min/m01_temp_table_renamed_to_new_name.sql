CREATE TEMP TABLE x AS SELECT id, x AS k FROM u;
ALTER TABLE x RENAME TO t2;
SELECT t.id, t.k, t2.k AS other FROM t JOIN t2 ON t2.id = t.id ORDER BY t.id;
