-- From PostgreSQL's regression tests src/test/regress/sql/limit.sql (see
-- README.md): the regression database's tables its read-only queries use.
-- int8_tbl as test_setup.sql has it; onek and tenk1 ours as in
-- regress_aggregates: test_setup.sql's columns with 1,000 and 10,000 rows,
-- each column derived from unique1 as in the regression data.

CREATE TABLE INT8_TBL(q1 int8, q2 int8);

INSERT INTO INT8_TBL VALUES
  ('  123   ','  456'),
  ('123   ','4567890123456789'),
  ('4567890123456789','123'),
  (+4567890123456789,'4567890123456789'),
  ('+4567890123456789','-4567890123456789');

CREATE TABLE onek (
	unique1		int4,
	unique2		int4,
	two			int4,
	four		int4,
	ten			int4,
	twenty		int4,
	hundred		int4,
	thousand	int4,
	twothousand	int4,
	fivethous	int4,
	tenthous	int4,
	odd			int4,
	even		int4,
	stringu1	name,
	stringu2	name,
	string4		name
);

CREATE TABLE tenk1 (
	unique1		int4,
	unique2		int4,
	two			int4,
	four		int4,
	ten			int4,
	twenty		int4,
	hundred		int4,
	thousand	int4,
	twothousand	int4,
	fivethous	int4,
	tenthous	int4,
	odd			int4,
	even		int4,
	stringu1	name,
	stringu2	name,
	string4		name
);

-- ours (as in regress_aggregates): unique1 a permutation of 0..n-1, unique2 the row's number
INSERT INTO onek
SELECT u, i, u % 2, u % 4, u % 10, u % 20, u % 100, u % 1000, u % 2000,
       u % 5000, u % 10000, (u % 100) * 2 + 1, (u % 100) * 2,
       chr(65 + u % 26) || chr(65 + (u / 26) % 26) || chr(65 + (u / 676) % 26) || 'AAAA',
       chr(65 + i % 26) || chr(65 + (i / 26) % 26) || chr(65 + (i / 676) % 26) || 'AAAA',
       (ARRAY['AAAAxx', 'HHHHxx', 'OOOOxx', 'VVVVxx'])[i % 4 + 1]
FROM (SELECT i, (i * 37) % 1000 AS u FROM generate_series(0, 999) i) s;

INSERT INTO tenk1
SELECT u, i, u % 2, u % 4, u % 10, u % 20, u % 100, u % 1000, u % 2000,
       u % 5000, u % 10000, (u % 100) * 2 + 1, (u % 100) * 2,
       chr(65 + u % 26) || chr(65 + (u / 26) % 26) || chr(65 + (u / 676) % 26) || 'AAAA',
       chr(65 + i % 26) || chr(65 + (i / 26) % 26) || chr(65 + (i / 676) % 26) || 'AAAA',
       (ARRAY['AAAAxx', 'HHHHxx', 'OOOOxx', 'VVVVxx'])[(i * 7 + u) % 4 + 1]
FROM (SELECT i, (i * 7919) % 10000 AS u FROM generate_series(0, 9999) i) s;
