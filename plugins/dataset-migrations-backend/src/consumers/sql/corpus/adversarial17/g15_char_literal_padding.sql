SELECT id FROM t WHERE c = 'ab  ' OR c IN ('x   ') ORDER BY id;
