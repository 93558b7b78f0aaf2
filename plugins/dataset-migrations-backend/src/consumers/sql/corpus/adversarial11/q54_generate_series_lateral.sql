SELECT id, g FROM t, generate_series(1, n) g WHERE n BETWEEN 1 AND 6 ORDER BY 1, 2;
