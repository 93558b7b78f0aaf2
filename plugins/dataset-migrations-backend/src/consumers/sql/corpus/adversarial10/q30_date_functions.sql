SELECT id, d + 1 AS next_day, d - DATE '2024-01-01' AS days, extract(dow FROM d) AS dow,
       to_char(d, 'YYYY-MM-DD') AS txt, date_trunc('month', d) AS month, d::text AS dt
FROM t ORDER BY id;
