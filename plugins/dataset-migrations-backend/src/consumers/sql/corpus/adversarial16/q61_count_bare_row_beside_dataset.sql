SELECT count(u) AS matched FROM t LEFT JOIN u ON u.id = t.id;
