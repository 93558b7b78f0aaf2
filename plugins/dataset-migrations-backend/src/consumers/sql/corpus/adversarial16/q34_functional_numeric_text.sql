SELECT id, p(t)::text AS ptext FROM t;
