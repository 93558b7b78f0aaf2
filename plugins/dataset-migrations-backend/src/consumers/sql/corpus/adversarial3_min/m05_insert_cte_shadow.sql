CREATE TEMP TABLE sink (id integer, k integer);
WITH t AS (SELECT 1 AS id, 9 AS k) INSERT INTO sink SELECT id, k FROM t;
SELECT * FROM sink;
