SELECT (SELECT count(*) FROM u WHERE u.ch = t.ch) AS c FROM t GROUP BY t.ch;
