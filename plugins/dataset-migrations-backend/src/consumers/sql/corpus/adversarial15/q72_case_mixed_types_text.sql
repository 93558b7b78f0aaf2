SELECT id, (CASE WHEN id = 1 THEN n WHEN id = 2 THEN m ELSE k END)::text || '!' AS v FROM t ORDER BY id;
