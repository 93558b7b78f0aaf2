SELECT id, n FROM t WHERE id <@ int4range(1, 4) ORDER BY id;
