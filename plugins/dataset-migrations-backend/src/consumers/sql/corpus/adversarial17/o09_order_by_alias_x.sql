SELECT id, n * 10 AS x FROM t ORDER BY x, id;
