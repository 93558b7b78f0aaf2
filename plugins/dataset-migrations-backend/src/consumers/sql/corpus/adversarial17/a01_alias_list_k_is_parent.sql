SELECT id, k FROM t AS x(id, k) ORDER BY id;
