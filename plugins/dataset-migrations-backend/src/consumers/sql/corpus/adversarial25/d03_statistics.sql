CREATE STATISTICS t_ns (dependencies) ON n, s FROM t;
SELECT id FROM t ORDER BY id;
