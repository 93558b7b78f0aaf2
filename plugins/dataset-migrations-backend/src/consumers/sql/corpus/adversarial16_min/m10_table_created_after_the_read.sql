SELECT max(k) AS mk FROM t;
CREATE TABLE t2 (k integer);
SELECT count(*) AS c FROM t2;
