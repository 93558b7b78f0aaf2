CREATE TEMP TABLE t_child () INHERITS (t);
INSERT INTO t_child (id, k, n) VALUES (9, 90, 9);
SELECT * FROM t ORDER BY id;
