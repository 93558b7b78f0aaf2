WITH w AS (SELECT id, d FROM t) SELECT id, w.d + 1 AS next_day, w.d - DATE '2024-01-01' AS since FROM w WHERE w.d IS NOT NULL ORDER BY id;
