SELECT t.id, b / 2 AS h FROM t, ROWS FROM (abs(t.k), abs(t.n)) AS x(n, b) ORDER BY t.id;
