SELECT id, cbrt(n) AS c, degrees(n) AS dg, sin(n) AS sn FROM t ORDER BY id;
