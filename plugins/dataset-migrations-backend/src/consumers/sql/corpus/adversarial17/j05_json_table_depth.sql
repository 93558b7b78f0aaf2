SELECT t.id, depth FROM t, JSON_TABLE('[{"d": 1}]'::jsonb, '$[*]' COLUMNS (depth int PATH '$.d')) AS jt WHERE t.id < 3 ORDER BY t.id;
