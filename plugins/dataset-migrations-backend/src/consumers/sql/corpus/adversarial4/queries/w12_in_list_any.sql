SELECT id, n IN (5, 7) AS i, n = ANY (ARRAY[8, 11]) AS a FROM t ORDER BY id;
