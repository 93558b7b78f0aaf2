WITH c AS (SELECT n FROM t WHERE n > 0) SELECT ('[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]'::jsonb)[n] AS v FROM c ORDER BY 1;
