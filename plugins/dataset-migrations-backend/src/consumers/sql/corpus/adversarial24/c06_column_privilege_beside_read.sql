SELECT id FROM t WHERE has_column_privilege('t', 'n', 'SELECT') ORDER BY id;
