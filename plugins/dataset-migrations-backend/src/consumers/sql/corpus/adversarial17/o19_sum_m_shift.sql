SELECT id, m * 1000 AS big FROM t ORDER BY id;
