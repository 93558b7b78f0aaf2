SELECT t.id, jt.v FROM t, JSON_TABLE(jsonb_build_object('a', k), '$' COLUMNS (v int PATH '$.a')) AS jt ORDER BY t.id;
