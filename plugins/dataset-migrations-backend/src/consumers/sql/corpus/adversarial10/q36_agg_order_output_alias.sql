SELECT id AS kk, array_agg(s ORDER BY k) AS ss FROM t GROUP BY id ORDER BY kk;
