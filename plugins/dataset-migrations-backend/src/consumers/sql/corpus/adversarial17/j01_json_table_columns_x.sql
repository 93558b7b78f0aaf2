SELECT t.id, x FROM t, JSON_TABLE('[1, 2]'::jsonb, '$[*]' COLUMNS (x int PATH '$')) AS jt WHERE t.id < 3 ORDER BY t.id, x;
