CREATE TYPE t2 AS (a integer);
SELECT max(k) AS mk FROM t;
