SELECT grp, sum(n) FILTER (WHERE k > 10) AS s, grouping(grp) AS g FROM t GROUP BY GROUPING SETS ((grp), ()) ORDER BY grp NULLS LAST;
