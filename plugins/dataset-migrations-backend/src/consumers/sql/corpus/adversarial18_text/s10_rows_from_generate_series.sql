SELECT t.id, g FROM t, ROWS FROM (generate_series(t.d, t.d + 2, interval '1 day')) g WHERE t.id IN (1, 2) ORDER BY 1, 2;
