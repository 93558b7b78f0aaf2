SELECT id, k(t) AS kval FROM t ORDER BY id;
