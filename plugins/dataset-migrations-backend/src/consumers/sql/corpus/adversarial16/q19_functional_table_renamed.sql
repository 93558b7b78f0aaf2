SELECT k(t) AS kval FROM t;
