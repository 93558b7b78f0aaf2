WITH w AS (SELECT id, d FROM t) SELECT id, d - 1 AS prev FROM w ORDER BY id;
