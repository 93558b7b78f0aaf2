SELECT id, greatest(d, DATE '2024-02-01') AS g, d = DATE '2024-01-05' AS is_first, d IN (DATE '2024-01-06') AS second FROM t WHERE d IS NOT NULL ORDER BY id;
