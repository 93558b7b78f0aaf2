SELECT id FROM t WHERE (n, s) IN (SELECT v / 10 * 3, 3 FROM u) ORDER BY id;
