SELECT id, n FROM t ORDER BY id; SELECT pg_size_pretty(pg_total_relation_size('t')) IS NOT NULL AS sized;
