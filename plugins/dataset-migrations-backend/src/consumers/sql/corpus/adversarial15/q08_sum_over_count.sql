SELECT sum(n) / count(*) AS mean FROM t;
