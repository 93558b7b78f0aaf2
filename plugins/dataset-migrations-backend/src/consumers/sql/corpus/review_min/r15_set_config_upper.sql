SELECT set_config('SEARCH_PATH', 'pg_catalog', true);
SELECT id, n FROM t ORDER BY id;
