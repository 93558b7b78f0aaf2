SELECT DISTINCT ON (d) id, date_trunc('year', d) AS d FROM t WHERE d IS NOT NULL ORDER BY d, id;
