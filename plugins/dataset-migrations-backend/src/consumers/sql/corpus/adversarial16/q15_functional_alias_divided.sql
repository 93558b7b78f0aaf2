SELECT a.id, n(a) / 2 AS h FROM t AS a ORDER BY a.id;
