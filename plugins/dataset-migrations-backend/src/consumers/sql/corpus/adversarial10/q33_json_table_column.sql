SELECT id, kk FROM t, JSON_TABLE(t.j, '$' COLUMNS (kk integer PATH '$.a')) AS jt ORDER BY id;
