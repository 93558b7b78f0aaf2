SELECT n, k FROM t AS x(id, parent, n, k) ORDER BY id;
