WITH d AS (UPDATE u SET x = x WHERE id = 1 RETURNING id, k AS uk)
SELECT t.k, d.uk FROM t JOIN d ON d.id = t.id;
