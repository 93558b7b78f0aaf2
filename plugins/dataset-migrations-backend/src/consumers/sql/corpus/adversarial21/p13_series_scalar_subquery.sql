SELECT i / 2 AS half FROM generate_series(1, (SELECT max(n) FROM t)) AS i ORDER BY 1;
