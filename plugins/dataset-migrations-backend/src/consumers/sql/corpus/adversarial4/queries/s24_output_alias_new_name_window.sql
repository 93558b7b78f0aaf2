SELECT id AS kk, row_number() OVER (ORDER BY k DESC) AS rn FROM t ORDER BY kk;
