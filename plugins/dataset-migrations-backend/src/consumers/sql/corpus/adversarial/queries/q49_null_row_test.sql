SELECT count(*) FILTER (WHERE o IS NOT NULL) AS complete_rows
FROM orders o;
