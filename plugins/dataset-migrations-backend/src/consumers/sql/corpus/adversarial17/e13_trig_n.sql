SELECT id, cbrt(n) AS c, sin(n) AS s, degrees(n) AS dg FROM t ORDER BY id;
