SELECT id, n # 5 AS x, n | 8 AS o FROM t ORDER BY id;
