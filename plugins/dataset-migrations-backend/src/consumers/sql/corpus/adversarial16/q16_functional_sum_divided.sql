SELECT sum(n(t)) / count(*) AS mean FROM t;
