SELECT (x).k, (x).n FROM (SELECT t AS x FROM t) s ORDER BY 1, 2;
