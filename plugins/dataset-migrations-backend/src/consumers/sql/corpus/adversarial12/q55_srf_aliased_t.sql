SELECT t.k FROM generate_series(1, 3) AS t(k) ORDER BY 1;
