SELECT string_agg(DISTINCT t.ch, ',' ORDER BY ch) AS a, array_agg(DISTINCT d ORDER BY t.d) AS b FROM t;
