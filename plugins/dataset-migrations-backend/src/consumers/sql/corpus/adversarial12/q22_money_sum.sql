SELECT sum(m) AS total FROM t;
