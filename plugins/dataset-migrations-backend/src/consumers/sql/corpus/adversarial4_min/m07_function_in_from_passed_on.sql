SELECT t.id, a / 2 AS h FROM t, abs(t.n) AS a ORDER BY t.id;
