SELECT id, CASE n / 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'other' END AS label FROM t ORDER BY id;
