SELECT id, n FROM t WHERE has_column_privilege(current_schema() || '.t', 'n', 'SELECT') ORDER BY id;
