-- One minimal reproduction per class adversarial2/ found wrong.
CREATE TABLE t (
  id integer,
  n integer,
  q smallint,
  s varchar(10),
  c varchar(10),
  p numeric(10,2),
  ts timestamp
);
INSERT INTO t VALUES
  (1, 10, 2, 'a ', 'b', 10.50, '2024-01-01 10:00'),
  (2, 25, 3, 'b', 'B', 7.25, '2024-01-02 00:00'),
  (3, 7, 1, 'a', 'a', 1.00, '2024-01-03 12:30');
CREATE TABLE k (code char(4), label text);
INSERT INTO k VALUES ('a', 'A'), ('b', 'B');
