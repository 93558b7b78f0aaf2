SELECT id, (SELECT k FROM u WHERE u.id = 1) AS first_k FROM t ORDER BY id;
