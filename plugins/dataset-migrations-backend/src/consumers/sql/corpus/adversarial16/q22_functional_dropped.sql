SELECT id, k(t) + 0 AS kval FROM t;
