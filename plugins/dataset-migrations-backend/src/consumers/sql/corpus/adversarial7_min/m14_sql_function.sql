CREATE FUNCTION pg_temp.tot() RETURNS bigint LANGUAGE sql AS $body$ SELECT sum(k) FROM t $body$;
SELECT pg_temp.tot() AS total;
