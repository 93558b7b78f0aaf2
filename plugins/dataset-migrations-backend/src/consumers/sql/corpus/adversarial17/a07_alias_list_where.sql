SELECT id FROM t AS x(id, p2, k) WHERE k > 15 ORDER BY id;
