SELECT id, xmlforest(k, n, c, d, t.s) AS x FROM t ORDER BY id;
