SELECT id, (CASE WHEN id > 0 THEN t END).n / 2 AS half FROM t;
