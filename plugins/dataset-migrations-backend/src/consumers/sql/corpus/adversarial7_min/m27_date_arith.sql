SELECT id, d + 1 AS next, d - DATE '2024-01-01' AS days, date_trunc('month', d) AS m FROM t ORDER BY id;
