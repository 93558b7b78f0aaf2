CREATE TEMP TABLE sink (id integer, cust integer);
WITH orders AS (SELECT 1 AS id, 9 AS cust)
INSERT INTO sink SELECT id, cust FROM orders;
SELECT * FROM sink;
