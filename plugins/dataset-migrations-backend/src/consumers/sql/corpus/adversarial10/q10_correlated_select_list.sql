SELECT u.id, (SELECT max(t.n) FROM t WHERE t.k = u.kk) AS top,
       (SELECT count(*) FROM t WHERE t.c = 'ab' AND t.k = u.kk) AS abs
FROM u ORDER BY u.id;
