SELECT "?column?" / 2 AS h FROM (SELECT n + 0 FROM t) s ORDER BY 1;
