WITH x(v) AS (VALUES ((SELECT max(n) FROM t))) SELECT v / 2 AS h FROM x;
