SELECT u.label FROM u WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.id = u.id * 2) ORDER BY u.label;
