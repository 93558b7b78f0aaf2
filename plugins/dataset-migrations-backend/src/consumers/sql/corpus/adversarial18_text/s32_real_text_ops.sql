SELECT id, r::text AS a, r * 3 AS b, (r)::numeric AS c FROM t ORDER BY id;
