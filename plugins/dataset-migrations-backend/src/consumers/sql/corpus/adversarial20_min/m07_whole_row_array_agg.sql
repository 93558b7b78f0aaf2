SELECT pg_typeof(array_agg(t))::text AS rows_type FROM t;
