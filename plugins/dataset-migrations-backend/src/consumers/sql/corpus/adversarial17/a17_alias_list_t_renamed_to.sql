SELECT t2.k FROM t AS t2(id) ORDER BY t2.id;
