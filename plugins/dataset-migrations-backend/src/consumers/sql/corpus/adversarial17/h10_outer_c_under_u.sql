SELECT id, (SELECT c || '|' FROM u WHERE u.id = 1) AS bar FROM t WHERE c IS NOT NULL ORDER BY id;
