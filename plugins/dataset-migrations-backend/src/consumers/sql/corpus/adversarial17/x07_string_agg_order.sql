SELECT string_agg(s, ',' ORDER BY s DESC, id) AS all_s FROM t;
