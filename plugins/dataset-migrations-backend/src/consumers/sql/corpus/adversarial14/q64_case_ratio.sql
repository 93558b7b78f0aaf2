SELECT id, CASE WHEN n > 0 THEN round(100.0 * k / n, 1) ELSE 0 END AS pct, COALESCE(k / NULLIF(n, 0), 0) AS per FROM t ORDER BY id;
