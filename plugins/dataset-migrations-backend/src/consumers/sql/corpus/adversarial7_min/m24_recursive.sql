WITH RECURSIVE r(id, k, depth) AS (SELECT id, k, 0 FROM t WHERE id = 1 UNION ALL SELECT t.id, t.k, r.depth + 1 FROM t JOIN r ON t.id = r.id + 1) SELECT * FROM r ORDER BY id;
