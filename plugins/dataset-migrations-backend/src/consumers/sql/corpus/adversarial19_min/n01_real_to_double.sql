-- real 0.1 is 0.1 as text; as double precision 0.10000000149011612. Cast back: the same.
SELECT id, r, r::text AS t, r * 3 AS m, r / 3 AS d, round(r::numeric, 3) AS rn FROM t WHERE r <> 0.1 OR r = 0.1::real ORDER BY r;
