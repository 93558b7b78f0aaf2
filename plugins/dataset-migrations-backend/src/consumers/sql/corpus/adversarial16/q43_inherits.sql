CREATE TEMP TABLE t_child () INHERITS (t);
INSERT INTO t_child SELECT * FROM t WHERE id <= 2;
SELECT id, k FROM t_child ORDER BY id;
