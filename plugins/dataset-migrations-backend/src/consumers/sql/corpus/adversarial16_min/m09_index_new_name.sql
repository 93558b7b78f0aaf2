CREATE TEMP TABLE w (x integer);
CREATE INDEX t2 ON w (x);
SELECT max(k) AS mk FROM t;
