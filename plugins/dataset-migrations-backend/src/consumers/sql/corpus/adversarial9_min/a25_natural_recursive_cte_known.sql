WITH RECURSIVE c(id, depth) AS (SELECT id, 0 FROM u UNION ALL SELECT id, depth + 1 FROM c WHERE depth < 1) SELECT id, k, depth FROM t NATURAL JOIN c ORDER BY id, depth;
