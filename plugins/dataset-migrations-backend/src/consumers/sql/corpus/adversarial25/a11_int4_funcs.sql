SELECT id, int4smaller(n, 5) AS m, int4larger(n, 0) AS x FROM t ORDER BY id;
