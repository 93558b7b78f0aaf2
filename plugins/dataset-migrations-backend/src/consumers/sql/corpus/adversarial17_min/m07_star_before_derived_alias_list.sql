SELECT x, z / 2 AS h
FROM (SELECT *, n FROM (SELECT id, n FROM t) s) AS c(x, n, z)
ORDER BY x;
