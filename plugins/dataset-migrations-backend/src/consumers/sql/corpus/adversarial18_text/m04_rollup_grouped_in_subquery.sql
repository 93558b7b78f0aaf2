SELECT n, (SELECT count(*) FROM u WHERE u.id < t.n) AS c FROM t GROUP BY ROLLUP (n);
