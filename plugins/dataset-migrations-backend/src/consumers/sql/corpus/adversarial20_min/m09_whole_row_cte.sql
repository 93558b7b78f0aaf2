WITH c AS (SELECT id, t AS r FROM t)
SELECT id, pg_typeof(r)::text AS row_type FROM c;
