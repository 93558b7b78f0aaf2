SELECT (SELECT x FROM t x WHERE x.id = 1) = (SELECT b FROM tb b WHERE b.id = 1) AS same;
