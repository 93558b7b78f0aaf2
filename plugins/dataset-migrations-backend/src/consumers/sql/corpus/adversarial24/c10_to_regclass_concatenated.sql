SELECT id, n FROM t WHERE to_regclass(current_schema() || '.t') IS NOT NULL ORDER BY id;
