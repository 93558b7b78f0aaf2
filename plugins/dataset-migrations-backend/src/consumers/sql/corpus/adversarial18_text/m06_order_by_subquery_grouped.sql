SELECT ch, count(*) AS c FROM t GROUP BY ch ORDER BY (SELECT count(*) FROM u WHERE u.ch = t.ch), ch;
