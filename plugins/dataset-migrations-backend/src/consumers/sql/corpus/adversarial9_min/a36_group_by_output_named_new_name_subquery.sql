SELECT id, (SELECT count(*) FROM (SELECT wid % 2 AS kk FROM w GROUP BY kk) g) AS m FROM t ORDER BY id;
