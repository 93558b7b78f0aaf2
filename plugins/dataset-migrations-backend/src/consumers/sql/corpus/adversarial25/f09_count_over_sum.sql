SELECT count(*) * 100 / sum(abs(n)) AS pct FROM t;
