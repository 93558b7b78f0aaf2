SELECT ch, d, GROUPING(ch, d) AS g, count(*) AS c FROM t GROUP BY ROLLUP (ch, d) ORDER BY g, ch, d;
