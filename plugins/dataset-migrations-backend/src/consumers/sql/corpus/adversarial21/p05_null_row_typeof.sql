SELECT pg_typeof(NULL::t)::text AS ty;
