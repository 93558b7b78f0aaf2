SELECT id FROM t WHERE n <@ int4range(0, 10) ORDER BY id;
