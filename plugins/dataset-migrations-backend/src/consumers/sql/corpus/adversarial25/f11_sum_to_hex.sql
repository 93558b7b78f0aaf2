SELECT to_hex(sum(n)) AS h FROM t;
