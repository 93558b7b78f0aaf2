SELECT id, m * m AS sq, m::text AS txt, m / 5 AS fifth, abs(m) AS a FROM t ORDER BY id;
