-- One minimal reproduction per class adversarial3/ found wrong or broken.
CREATE TABLE t (id integer, k integer, n integer, d date);
INSERT INTO t VALUES (1, 10, 5, '2024-01-11'), (2, 20, 7, '2024-02-02'), (3, 30, 11, '2024-03-21');
CREATE TABLE u (id integer PRIMARY KEY, k integer, x numeric);
INSERT INTO u VALUES (1, 100, 0), (2, 200, 0), (3, 300, 0);
CREATE TABLE r (code integer, label text);
INSERT INTO r VALUES (100, 'a'), (200, 'b'), (300, 'c');
DROP SCHEMA IF EXISTS adversarial3min_other CASCADE;
CREATE SCHEMA adversarial3min_other;
CREATE TABLE adversarial3min_other.t (id integer, k integer);
INSERT INTO adversarial3min_other.t VALUES (1, 1), (2, 2);
