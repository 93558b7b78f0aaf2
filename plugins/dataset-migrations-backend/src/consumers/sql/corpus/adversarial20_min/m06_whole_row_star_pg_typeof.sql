SELECT id, pg_typeof(x.*)::text AS row_type FROM t AS x;
