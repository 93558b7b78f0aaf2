SELECT id, p::text AS txt, p * 2 AS dbl, to_char(p, 'FM990.00') AS f FROM t ORDER BY id;
