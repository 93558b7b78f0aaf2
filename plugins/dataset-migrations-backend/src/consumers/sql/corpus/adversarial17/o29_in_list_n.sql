SELECT id, n IN (3, 5) AS small FROM t ORDER BY id;
