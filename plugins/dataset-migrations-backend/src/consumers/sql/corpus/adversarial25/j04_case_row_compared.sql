SELECT t.id, CASE WHEN t = tb THEN 'same' ELSE 'diff' END AS st FROM t JOIN tb USING (id) ORDER BY 1;
