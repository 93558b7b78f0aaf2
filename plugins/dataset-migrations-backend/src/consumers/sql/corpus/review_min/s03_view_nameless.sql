CREATE TEMP VIEW v AS SELECT id, n + 0 FROM t;
SELECT id, x / 2 AS h FROM v AS v2(id, x) ORDER BY id;
