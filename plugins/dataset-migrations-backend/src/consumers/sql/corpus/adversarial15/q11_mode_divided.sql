SELECT mode() WITHIN GROUP (ORDER BY n) / 2 AS common FROM t;
