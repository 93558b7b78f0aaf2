SELECT t.d, grouping(t.d) AS g FROM t GROUP BY CUBE (d);
