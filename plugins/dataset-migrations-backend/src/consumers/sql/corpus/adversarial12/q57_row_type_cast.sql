SELECT (ROW(1, 2, 3, 1.5, 'a', date '2024-01-01', 'nm', NULL, NULL, NULL)::t).k AS k;
