SELECT id, value FROM t, JSON_TABLE(t.j, '$.k[*]' COLUMNS (value int PATH '$')) ORDER BY 1, 2;
