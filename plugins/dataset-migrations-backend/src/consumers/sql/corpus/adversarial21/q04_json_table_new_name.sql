SELECT id, m FROM t, JSON_TABLE(t.j, '$' COLUMNS (m int PATH '$.n')) AS jt ORDER BY 1;
