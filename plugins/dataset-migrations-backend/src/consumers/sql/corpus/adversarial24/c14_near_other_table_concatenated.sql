SELECT id, n FROM t WHERE to_regclass(current_schema() || '.u') IS NOT NULL ORDER BY id;
