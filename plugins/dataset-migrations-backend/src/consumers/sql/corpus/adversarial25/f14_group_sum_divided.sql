SELECT s > 0 AS pos, sum(n) / 4 AS q FROM t GROUP BY 1 ORDER BY 1;
