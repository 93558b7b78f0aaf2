CREATE TEMP VIEW v AS SELECT id, n AS a FROM t;
SELECT id, a / 4 AS quarter FROM v ORDER BY id;
