SELECT jsonb_agg(t ORDER BY id)::text AS all_rows FROM t;
