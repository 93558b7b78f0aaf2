SELECT x / 2 AS half FROM unnest((SELECT array_agg(n) FROM t)) AS x ORDER BY 1;
