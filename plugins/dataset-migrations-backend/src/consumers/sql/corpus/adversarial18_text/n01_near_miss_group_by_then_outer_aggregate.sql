SELECT ch, (SELECT max(t.n) FROM u WHERE u.id = 1) AS m FROM t GROUP BY ch ORDER BY ch;
