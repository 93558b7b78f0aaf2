SELECT (SELECT t.d) AS d, count(*) AS c FROM t GROUP BY t.d;
