-- Fifteenth round (2026-12-05): reporting SQL's built-ins given a widened or
-- retyped field (interval arithmetic, make_interval's named arguments, lpad/left/
-- substr/overlay lengths, round/trunc scales, chr, ntile, width_bucket's count,
-- to_hex, int4range, casts to boolean and bit), NULLIF ratios, char(n) retyped to
-- text (trailing spaces under LIKE, regexes, octet_length, comparisons), timestamps
-- retyped both ways under EXTRACT, ::date, date_trunc and AT TIME ZONE, a date
-- becoming a timestamp under date_trunc and calendars, and columns named like
-- EXTRACT's and make_interval's keywords.
CREATE TABLE t (
  id integer,
  k integer,
  n integer,
  m smallint,
  p numeric(10,2),
  s varchar(10),
  c char(5),
  ts timestamp,
  tz timestamptz,
  d date,
  days integer,
  year integer,
  zone text
);
INSERT INTO t VALUES
  (1, 10, 3, 7, 1.25, 'alpha', 'ab', '2024-01-31 23:30:00', '2024-01-31 23:30:00+00', '2024-01-31', 2, 2024, 'Europe/Paris'),
  (2, 20, 5, -4, 2.50, 'beta', 'ab  ', '2024-02-29 00:15:00', '2024-02-29 00:15:00+00', '2024-02-29', 1, 2023, 'America/New_York'),
  (3, 30, 1, 0, 3.75, 'gamma', 'xyz', '2024-03-01 12:00:00', '2024-03-01 12:00:00+00', '2024-03-01', 0, 2024, 'UTC'),
  (4, 30, 6, 12, NULL, 'de', 'x', '2024-12-31 23:59:59', '2024-12-31 23:59:59+00', '2024-12-31', 10, 2022, 'Asia/Tokyo'),
  (5, 15, 2, NULL, 10.10, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE u (id integer, kk integer, g integer);
INSERT INTO u VALUES (1, 10, 100), (2, 21, 200), (3, 30, 300);
CREATE TABLE w (c char(5), label text);
INSERT INTO w VALUES ('ab', 'AB'), ('xyz  ', 'XYZ'), ('q', 'Q');
