SELECT id, c || '|' AS bar FROM t WHERE c IS NOT NULL ORDER BY id;
