SELECT v / 2 AS half FROM t, unnest(ARRAY[n, m]) AS v ORDER BY 1;
