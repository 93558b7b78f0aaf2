-- The row type is named after the table: t2 once renamed.
SELECT id, pg_typeof(t)::text AS row_type FROM t;
