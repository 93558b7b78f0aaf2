SELECT t.id, k, kk FROM t, JSON_TABLE(jsonb '[{"k": 1}]', '$[*]' COLUMNS (kk int PATH '$.k')) AS jt ORDER BY 1;
