-- Written here (2026-12-05) to find where the rewriter misses text and date
-- retypes: varchar(n)/char(n) -> text, date -> timestamp/timestamptz/text,
-- timestamp(p) -> timestamp/timestamptz/text, timestamptz -> text,
-- numeric(p,s) -> numeric/double precision, real -> text,
-- bpchar (unbounded) -> text, integer -> double precision.
CREATE TABLE t (
  k varchar(8) PRIMARY KEY,
  id integer NOT NULL UNIQUE,
  vc varchar(10),
  ch char(5),
  d date,
  ts timestamp(3),
  tz timestamptz,
  n numeric(8,2),
  r real,
  bp bpchar,
  q integer
);
INSERT INTO t VALUES
  ('k1', 1, 'ab', 'ab', '2024-02-29', '2024-03-10 02:30:00.123', '2024-03-10 07:30+00', 1.50, 0.1, 'ab  ', 1),
  ('k2', 2, 'ab  ', 'Ab', '2023-12-31', '2024-12-31 23:59:59.999', '2024-11-03 05:30+00', 0.10, 2.5, 'x', 2),
  ('k3', 3, '', '', 'infinity', 'infinity', 'infinity', -2.00, 1e10, '', 3),
  ('k4', 4, 'Ünï ß', 'ü', '0044-03-15 BC', '2024-11-03 01:30', '2023-12-31 23:59:59.5+00', 12.35, -0.3, ' a ', 4),
  ('k5', 5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('k6', 6, 'zz', 'ab ', '2024-03-01', '2024-03-01 00:00', '2024-03-01 00:00+00', 100.00, 3, 'zz   ', 6);
CREATE TABLE u (
  id integer,
  ch char(5),
  vc varchar(10),
  d date
);
INSERT INTO u VALUES
  (1, 'ab', 'ab', '2024-02-29'),
  (2, 'ab   ', 'ab ', '2024-03-01'),
  (3, 'zz', 'zz', '2023-12-31');
