SELECT upper(ch) AS ch, count(*) AS c FROM t GROUP BY ch ORDER BY ch, c;
