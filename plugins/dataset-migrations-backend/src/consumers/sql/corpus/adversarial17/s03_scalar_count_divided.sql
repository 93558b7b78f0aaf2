SELECT (SELECT sum(n) FROM t) / (SELECT count(*) FROM t) AS mean;
