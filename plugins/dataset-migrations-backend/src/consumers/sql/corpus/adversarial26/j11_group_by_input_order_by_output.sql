SELECT upper(label) AS label, count(*) AS n FROM orders GROUP BY label ORDER BY label, n;
