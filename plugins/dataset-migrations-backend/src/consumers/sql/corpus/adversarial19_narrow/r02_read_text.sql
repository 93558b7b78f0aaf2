SELECT id, n::text || '/' || m AS label, pg_typeof(n)::text AS ty FROM t ORDER BY id;
