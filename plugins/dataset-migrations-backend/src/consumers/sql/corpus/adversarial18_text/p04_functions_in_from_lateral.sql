SELECT t.id, s.x || '|' AS x, s.o FROM t, LATERAL unnest(ARRAY[t.ch]) WITH ORDINALITY s(x, o), LATERAL string_to_table(t.ch, 'b') st WHERE t.id < 3 ORDER BY 1, 2, 3;
