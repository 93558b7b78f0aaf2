SELECT id, (SELECT max(n) FROM t WHERE t.k = kk) AS top FROM u ORDER BY id;
