SELECT id, CASE s WHEN c THEN 'same' ELSE 'diff' END AS v FROM t ORDER BY id;
