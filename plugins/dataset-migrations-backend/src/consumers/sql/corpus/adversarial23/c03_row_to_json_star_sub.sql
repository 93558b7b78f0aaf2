SELECT row_to_json(x)::text AS doc FROM (SELECT * FROM t WHERE id < 3) x ORDER BY 1;
