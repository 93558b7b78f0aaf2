SELECT id AS n, row_number() OVER (ORDER BY n) AS rn FROM t ORDER BY 1;
