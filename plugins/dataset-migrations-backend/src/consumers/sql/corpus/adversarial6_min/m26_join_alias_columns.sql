SELECT j.i, j.y / 2 AS h FROM ((SELECT id, n FROM t) a JOIN (SELECT id AS id2 FROM u) b ON a.id = b.id2) AS j(i, y) ORDER BY 1;
