-- One minimal reproduction per class adversarial4/ found wrong or broken.
CREATE TABLE t (id integer, n integer);
INSERT INTO t VALUES (1, 5), (2, 7), (3, 11);
