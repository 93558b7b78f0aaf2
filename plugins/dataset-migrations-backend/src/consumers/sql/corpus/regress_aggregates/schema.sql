-- From PostgreSQL's regression test src/test/regress/sql/aggregates.sql (see
-- README.md): the tables its read-only queries here use. aggtest is the file's
-- with the rows of data/agg.data; regr_test, pagg_test, btg, group_agg_pk and
-- agg_data_2k are the file's, with its rows (without their indexes, storage
-- options and ANALYZEs); its temporary tables bitwise_test, bool_test, t1, t2
-- and t3 are plain tables (the harness copies tables between schemas), with
-- their COPY rows as INSERTs, and t1, t2 and t3 (empty there: read only under
-- EXPLAIN) with rows of ours; bytea_test_table holds the four rows the file has
-- inserted when its min(v)/max(v) run the second time. The regression
-- database's own tables follow: int4_tbl, int8_tbl and varchar_tbl as
-- test_setup.sql has them (without its VACUUMs); student as a plain table with
-- person's columns and the rows of data/student.data; onek and tenk1 ours:
-- test_setup.sql's columns with 1,000 and 10,000 rows, each column derived from
-- unique1 as in the regression data.

CREATE TABLE aggtest (
	a 			int2,
	b			float4
);

INSERT INTO aggtest VALUES (56, 7.8), (100, 99.097), (0, 0.09561), (42, 324.78);

CREATE TABLE regr_test (x float8, y float8);
INSERT INTO regr_test VALUES (10,150),(20,250),(30,350),(80,540),(100,200);

CREATE TABLE bitwise_test(
  i2 INT2,
  i4 INT4,
  i8 INT8,
  i INTEGER,
  x INT2,
  y BIT(4)
);

INSERT INTO bitwise_test VALUES
  (1, 1, 1, 1, 1, B'0101'),
  (3, 3, 3, null, 2, B'0100'),
  (7, 7, 7, 3, 4, B'1100');

CREATE TABLE bool_test(
  b1 BOOL,
  b2 BOOL,
  b3 BOOL,
  b4 BOOL);

INSERT INTO bool_test VALUES
  (TRUE, null, FALSE, null),
  (FALSE, TRUE, null, null),
  (null, TRUE, FALSE, null);

create table t1 (a int, b int, c int, d int, primary key (a, b));
create table t2 (x int, y int, z int, primary key (x, y));
create table t3 (a int, b int, c int, primary key(a, b) deferrable);

-- ours
insert into t1 values (1, 1, 10, 100), (1, 2, 10, 200), (2, 1, 20, 100), (3, 3, null, 300);
insert into t2 values (1, 1, 5), (1, 2, 6), (2, 1, 5), (4, 4, 7);
insert into t3 values (1, 1, 1), (1, 2, 1), (2, 2, 2);

create table bytea_test_table(v bytea);
insert into bytea_test_table values(decode('ff','hex'));
insert into bytea_test_table values(decode('aa','hex'));
insert into bytea_test_table values(decode('ffff','hex'));
insert into bytea_test_table values(decode('aaaa','hex'));

create table pagg_test (x int, y int);
insert into pagg_test
select (case x % 4 when 1 then null else x end), x % 10
from generate_series(1,5000) x;

CREATE TABLE btg AS SELECT
  i % 10 AS x,
  i % 10 AS y,
  'abc' || i % 10 AS z,
  i AS w
FROM generate_series(1, 100) AS i;

CREATE TABLE group_agg_pk AS SELECT
  i % 10 AS x,
  i % 2 AS y,
  i % 2 AS z,
  2 AS w,
  i % 10 AS f
FROM generate_series(1,100) AS i;

create table agg_data_2k as
select g from generate_series(0, 1999) g;

CREATE TABLE INT4_TBL(f1 int4);

INSERT INTO INT4_TBL(f1) VALUES
  ('   0  '),
  ('123456     '),
  ('    -123456'),
  ('2147483647'),  -- largest and smallest values
  ('-2147483647');

CREATE TABLE INT8_TBL(q1 int8, q2 int8);

INSERT INTO INT8_TBL VALUES
  ('  123   ','  456'),
  ('123   ','4567890123456789'),
  ('4567890123456789','123'),
  (+4567890123456789,'4567890123456789'),
  ('+4567890123456789','-4567890123456789');

CREATE TABLE VARCHAR_TBL(f1 varchar(4));

INSERT INTO VARCHAR_TBL (f1) VALUES
  ('a'),
  ('ab'),
  ('abcd'),
  ('abcd    ');

CREATE TABLE student (
	name 		text,
	age			int4,
	location 	point,
	gpa 		float8
);

INSERT INTO student VALUES
  ('fred', 28, '(3.1,-1.5)', 3.70000000000000020e+00),
  ('larry', 60, '(21.8,4.9)', 3.10000000000000010e+00);

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

-- ours: unique1 a permutation of 0..n-1, unique2 the row's number
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
