SELECT (ARRAY(SELECT x FROM t x ORDER BY id)::t[])[1].n / 2 AS half;
