SELECT count(DISTINCT o) AS distinct_rows, count(*) AS all_rows
FROM orders o;
