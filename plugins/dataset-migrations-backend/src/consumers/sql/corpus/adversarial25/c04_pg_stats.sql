SELECT attname FROM pg_stats WHERE tablename = 't' AND attname IN ('n', 'name') AND schemaname = current_schema() ORDER BY 1;
