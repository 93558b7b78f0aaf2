WITH kk AS (SELECT 1 AS one) SELECT t.id, t.k FROM t, kk ORDER BY t.id;
