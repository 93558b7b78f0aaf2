SELECT has_column_privilege('t', 'n', 'SELECT') AS ok;
