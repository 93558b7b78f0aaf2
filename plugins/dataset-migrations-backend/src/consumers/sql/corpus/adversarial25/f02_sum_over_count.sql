SELECT sum(n) / count(n) AS mean_int FROM t;
