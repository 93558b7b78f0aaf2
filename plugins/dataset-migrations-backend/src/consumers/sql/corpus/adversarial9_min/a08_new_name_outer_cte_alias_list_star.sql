WITH o(oid) AS (SELECT * FROM u) SELECT oid, (SELECT max(t.n * 0 + (SELECT count(*) FROM w WHERE w.wid = kk)) FROM t) AS m FROM o ORDER BY oid;
