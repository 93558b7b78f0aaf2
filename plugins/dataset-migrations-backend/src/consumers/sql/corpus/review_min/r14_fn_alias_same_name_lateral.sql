SELECT t.id, g / 2 AS h FROM t, LATERAL abs(t.n) AS n(g) ORDER BY t.id;
