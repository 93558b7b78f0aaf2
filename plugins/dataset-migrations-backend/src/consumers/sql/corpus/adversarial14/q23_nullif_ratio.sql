SELECT id, k / NULLIF(n, 0) AS per, 100 * k / NULLIF(n - 1, 0) AS pct FROM t ORDER BY id;
