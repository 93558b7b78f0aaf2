SELECT id, pg_typeof(q)::text AS ty FROM t ORDER BY id;
