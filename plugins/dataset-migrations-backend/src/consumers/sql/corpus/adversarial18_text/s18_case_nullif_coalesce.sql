SELECT id, CASE ch WHEN 'ab' THEN 'yes' ELSE 'no' END AS a, NULLIF(ch, 'ab') AS b, COALESCE(vc, ch) AS c, GREATEST(d, date '2024-01-01') AS e FROM t ORDER BY id;
