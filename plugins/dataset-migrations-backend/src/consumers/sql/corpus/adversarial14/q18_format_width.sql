SELECT id, format('%1$s|%2$*3$s|', s, k, n) AS f FROM t ORDER BY id;
