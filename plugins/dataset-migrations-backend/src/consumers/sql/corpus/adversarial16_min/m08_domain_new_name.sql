CREATE DOMAIN t2 AS integer;
SELECT max(k) AS mk FROM t;
