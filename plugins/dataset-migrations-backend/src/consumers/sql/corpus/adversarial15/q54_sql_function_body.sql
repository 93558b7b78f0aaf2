CREATE FUNCTION pg_temp.sum_k() RETURNS bigint LANGUAGE sql AS 'SELECT sum(k) FROM t'; SELECT pg_temp.sum_k() AS total;
