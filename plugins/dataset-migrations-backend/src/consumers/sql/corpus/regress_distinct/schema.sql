-- From PostgreSQL's regression tests src/test/regress/sql/select_distinct.sql
-- and select_distinct_on.sql (see README.md): the tables their read-only
-- queries here use. disttable (a temporary table there) is a plain table with
-- the file's rows; distinct_tbl and distinct_on_tbl are the files' with their
-- rows, without their indexes and ANALYZEs. The regression database's own
-- tables follow: int4_tbl as test_setup.sql has it (without its VACUUM);
-- person, emp, student and stud_emp as test_setup.sql creates them (person
-- and its inheritance children), with the rows of data/person.data,
-- data/emp.data, data/student.data and data/stud_emp.data as INSERTs; onek and
-- tenk1 ours as in regress_aggregates: test_setup.sql's columns with 1,000 and
-- 10,000 rows, each column derived from unique1 as in the regression data.

CREATE TABLE disttable (f1 integer);
INSERT INTO DISTTABLE VALUES(1);
INSERT INTO DISTTABLE VALUES(2);
INSERT INTO DISTTABLE VALUES(3);
INSERT INTO DISTTABLE VALUES(NULL);

CREATE TABLE distinct_tbl (x int, y int);
INSERT INTO distinct_tbl SELECT i%10, i%10 FROM generate_series(1, 1000) AS i;

CREATE TABLE distinct_on_tbl (x int, y int, z int);
INSERT INTO distinct_on_tbl SELECT i%10, i%10, i%10 FROM generate_series(1, 1000) AS i;

-- test_setup.sql
CREATE TABLE INT4_TBL(f1 int4);

INSERT INTO INT4_TBL(f1) VALUES
  ('   0  '),
  ('123456     '),
  ('    -123456'),
  ('2147483647'),  -- largest and smallest values
  ('-2147483647');

CREATE TABLE person (
	name 		text,
	age			int4,
	location 	point
);

CREATE TABLE emp (
	salary 		int4,
	manager 	name
) INHERITS (person);

CREATE TABLE student (
	gpa 		float8
) INHERITS (person);

CREATE TABLE stud_emp (
	percent 	int4
) INHERITS (emp, student);

-- data/person.data, data/emp.data, data/student.data, data/stud_emp.data
INSERT INTO person VALUES
  ('mike', '40', '(3.1,6.2)'),
  ('joe', '20', '(5.5,2.5)'),
  ('sally', '34', '(3.8,45.8)'),
  ('sandra', '19', '(9.345,09.6)'),
  ('alex', '30', '(1.352,8.2)'),
  ('sue', '50', '(8.34,7.375)'),
  ('denise', '24', '(3.78,87.90)'),
  ('sarah', '88', '(8.4,2.3)'),
  ('teresa', '38', '(7.7,1.8)'),
  ('nan', '28', '(6.35,0.43)'),
  ('leah', '68', '(0.6,3.37)'),
  ('wendy', '78', '(2.62,03.3)'),
  ('melissa', '28', '(3.089,087.23)'),
  ('joan', '18', '(9.4,47.04)'),
  ('mary', '08', '(3.7,39.20)'),
  ('jane', '58', '(1.34,0.44)'),
  ('liza', '38', '(9.76,6.90)'),
  ('jean', '28', '(8.561,7.3)'),
  ('jenifer', '38', '(6.6,23.3)'),
  ('juanita', '58', '(4.57,35.8)'),
  ('susan', '78', '(6.579,3)'),
  ('zena', '98', '(0.35,0)'),
  ('martie', '88', '(8.358,.93)'),
  ('chris', '78', '(9.78,2)'),
  ('pat', '18', '(1.19,0.6)'),
  ('zola', '58', '(2.56,4.3)'),
  ('louise', '98', '(5.0,8.7)'),
  ('edna', '18', '(1.53,3.5)'),
  ('bertha', '88', '(2.75,9.4)'),
  ('sumi', '38', '(1.15,0.6)'),
  ('koko', '88', '(1.7,5.5)'),
  ('gina', '18', '(9.82,7.5)'),
  ('rean', '48', '(8.5,5.0)'),
  ('sharon', '78', '(9.237,8.8)'),
  ('paula', '68', '(0.5,0.5)'),
  ('julie', '68', '(3.6,7.2)'),
  ('belinda', '38', '(8.9,1.7)'),
  ('karen', '48', '(8.73,0.0)'),
  ('carina', '58', '(4.27,8.8)'),
  ('diane', '18', '(5.912,5.3)'),
  ('esther', '98', '(5.36,7.6)'),
  ('trudy', '88', '(6.01,0.5)'),
  ('fanny', '08', '(1.2,0.9)'),
  ('carmen', '78', '(3.8,8.2)'),
  ('lita', '25', '(1.3,8.7)'),
  ('pamela', '48', '(8.21,9.3)'),
  ('sandy', '38', '(3.8,0.2)'),
  ('trisha', '88', '(1.29,2.2)'),
  ('uma', '78', '(9.73,6.4)'),
  ('velma', '68', '(8.8,8.9)');

INSERT INTO emp VALUES
  ('sharon', '25', '(15,12)', '1000', 'sam'),
  ('sam', '30', '(10,5)', '2000', 'bill'),
  ('bill', '20', '(11,10)', '1000', 'sharon');

INSERT INTO student VALUES
  ('fred', '28', '(3.1,-1.5)', '3.70000000000000020e+00'),
  ('larry', '60', '(21.8,4.9)', '3.10000000000000010e+00');

INSERT INTO stud_emp VALUES
  ('jeff', '23', '(8,7.7)', '600', 'sharon', '3.50000000000000000e+00', NULL),
  ('cim', '30', '(10.5,4.7)', '400', NULL, '3.39999999999999990e+00', NULL),
  ('linda', '19', '(0.9,6.1)', '100', NULL, '2.89999999999999990e+00', NULL);
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
