CREATE TEMP VIEW v AS SELECT sum(n) AS total FROM t;
SELECT total / 4 AS quarter FROM v;
