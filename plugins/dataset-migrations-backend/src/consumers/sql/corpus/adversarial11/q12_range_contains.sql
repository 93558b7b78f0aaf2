SELECT id FROM t WHERE int4range(6, 20) @> n ORDER BY id;
