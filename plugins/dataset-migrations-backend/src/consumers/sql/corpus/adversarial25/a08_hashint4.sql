SELECT id, hashint4(n) AS h FROM t ORDER BY id;
