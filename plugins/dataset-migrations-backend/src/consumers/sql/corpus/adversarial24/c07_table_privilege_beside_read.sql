SELECT id, n FROM t WHERE has_table_privilege('t', 'SELECT') ORDER BY id;
