SELECT t.id, jt.k, t.k AS tk FROM t, JSON_TABLE(jsonb '[{"k": 1}, {"k": 2}]', '$[*]' COLUMNS (k int PATH '$.k')) AS jt WHERE jt.k = t.id ORDER BY 1;
