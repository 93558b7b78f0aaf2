SELECT k, count(*) AS c, grouping(k) AS g FROM t GROUP BY ROLLUP (k) ORDER BY k NULLS FIRST;
