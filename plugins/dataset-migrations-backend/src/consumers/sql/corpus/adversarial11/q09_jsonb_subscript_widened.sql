SELECT id, ('[10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]'::jsonb)[n] AS v FROM t WHERE n > 0 ORDER BY id;
