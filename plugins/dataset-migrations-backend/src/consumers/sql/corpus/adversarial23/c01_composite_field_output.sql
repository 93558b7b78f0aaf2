SELECT (t).n, (t).name FROM t ORDER BY 1;
