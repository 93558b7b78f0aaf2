SELECT id FROM t WHERE (n, id) IN ((5, 1), (7, 2)) AND (n, 1) > (4, 0) AND (n, id) IN (SELECT x / 20, id FROM u) ORDER BY id;
