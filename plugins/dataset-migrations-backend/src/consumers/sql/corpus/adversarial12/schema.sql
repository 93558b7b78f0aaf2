-- Twelfth round (2026-12-05): statements that read the dataset without a SELECT
-- list of its own (TABLE, PREPARE/EXECUTE, DECLARE/FETCH, CREATE TABLE AS TABLE,
-- INSERT … TABLE), XMLTABLE (output columns named like a field or its new name),
-- xpath/xmlexists/xmlserialize over an xml field retyped to text, a domain-typed
-- field, money, date arithmetic when a date becomes a timestamp, functions that
-- take only integer (repeat, split_part, make_date) given a widened integer, GROUP
-- BY DISTINCT, ALTER VIEW … RENAME COLUMN, CREATE INDEX on and generated columns
-- in a table the file makes. u has kk and label, names migrations introduce;
-- archive has t's columns.
CREATE DOMAIN nm_t AS varchar(20) CHECK (VALUE <> '');
CREATE TABLE t (
  id integer,
  k integer,
  n integer,
  p numeric(10,2),
  s varchar(10),
  d date,
  nm nm_t,
  x xml,
  m money,
  nums integer[]
);
INSERT INTO t VALUES
  (1, 10, 5, 1.50, 'a', '2024-01-01', 'alpha', '<r k="1"><v>a</v><v>b</v></r>', 1.50, '{1,2,3}'),
  (2, 20, 7, 2.25, 'b', '2024-02-29', 'beta', '<r k="2"><v>c</v></r>', 20.00, '{4}'),
  (3, 30, 11, NULL, NULL, '2024-03-01', NULL, '<r k="1"/>', NULL, '{}'),
  (4, 30, -3, 4.00, 'ab', NULL, 'delta', NULL, 0.10, NULL),
  (5, 10, 8, 0.10, 'a', '2024-01-15', 'eps', '<r k="3"><v>d</v></r>', 7.25, '{5,6}');
CREATE TABLE u (id integer, kk integer, label text);
INSERT INTO u VALUES (1, 10, 'one'), (2, 21, 'two'), (3, 30, NULL), (6, 60, 'six');
CREATE TABLE archive (LIKE t);
