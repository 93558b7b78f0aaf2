SELECT (ROW(id, n, s, name, j)::t).n / 2 AS half FROM t ORDER BY 1;
