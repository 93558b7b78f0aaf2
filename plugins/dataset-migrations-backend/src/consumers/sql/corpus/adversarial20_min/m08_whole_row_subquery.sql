-- Passed on as r, then shown.
SELECT pg_typeof(r)::text AS row_type FROM (SELECT t AS r FROM t) s;
