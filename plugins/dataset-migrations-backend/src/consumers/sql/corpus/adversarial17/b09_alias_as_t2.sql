SELECT t2.id, t2.k FROM t AS t2 ORDER BY t2.id;
