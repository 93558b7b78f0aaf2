SELECT max(x) / 4 AS q FROM (SELECT sum(n) AS x FROM t GROUP BY s) z;
