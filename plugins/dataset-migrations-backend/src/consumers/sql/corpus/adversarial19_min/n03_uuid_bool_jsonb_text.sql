SELECT id, u, u::text AS ut, b, b::text AS bt, j, j::text AS jt, j -> 'a' AS a FROM t WHERE u < 'b0000000-0000-0000-0000-000000000000' OR b ORDER BY u, id;
