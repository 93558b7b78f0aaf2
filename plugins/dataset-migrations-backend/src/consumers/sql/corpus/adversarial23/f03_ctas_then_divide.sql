CREATE TEMP TABLE agg AS SELECT name, n FROM t;
SELECT name, n / 2 AS half FROM agg ORDER BY name;
