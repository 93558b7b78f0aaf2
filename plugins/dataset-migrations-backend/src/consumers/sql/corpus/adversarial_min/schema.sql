CREATE TABLE t (id integer, k integer, s text, n integer, tags text[]);
INSERT INTO t VALUES
  (1, 1, 'a', 10, '{x}'), (2, 2, 'b', 25, '{y}'), (3, 3, 'c', 7, '{z}'),
  (4, 1, 'a', 7, '{x}'), (5, 3, 'c', 7, '{z}');
CREATE TABLE u (id integer, k2 integer, d date);
INSERT INTO u VALUES (1, 99, '2024-01-01'), (2, 2, '2024-01-02'), (7, 7, '2024-01-07');
