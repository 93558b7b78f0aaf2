SELECT id, d - date '2024-01-01' AS days_in, (d - date '2024-01-01') / 7 AS weeks FROM t ORDER BY id;
