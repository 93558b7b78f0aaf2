SELECT z.id, z.n / 2 AS half FROM (TABLE t) z ORDER BY z.id;
