SELECT t.k, t.d, max(u.id) AS m FROM t JOIN u ON u.id = t.id GROUP BY t.k ORDER BY t.k;
