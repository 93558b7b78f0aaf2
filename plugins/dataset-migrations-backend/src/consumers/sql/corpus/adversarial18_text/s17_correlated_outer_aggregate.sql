SELECT (SELECT max(t.ch) FROM u WHERE u.id = 1) AS m, (SELECT count(*) FROM u WHERE u.ch = t.ch) AS c FROM t GROUP BY t.ch ORDER BY t.ch;
