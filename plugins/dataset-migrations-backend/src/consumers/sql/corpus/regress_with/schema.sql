-- From PostgreSQL's regression test src/test/regress/sql/with.sql (see
-- README.md): the tables its read-only queries use. Temporary tables there are
-- plain tables here (the harness copies them between schemas), with their rows
-- as the file inserts them; copied verbatim otherwise. The regression
-- database's own int4_tbl, int8_tbl (test_setup.sql) and tenk1 follow, in small
-- versions.

CREATE TABLE department (
	id INTEGER PRIMARY KEY,  -- department ID
	parent_department INTEGER REFERENCES department, -- upper department ID
	name TEXT -- department name
);

INSERT INTO department VALUES (0, NULL, 'ROOT');
INSERT INTO department VALUES (1, 0, 'A');
INSERT INTO department VALUES (2, 1, 'B');
INSERT INTO department VALUES (3, 2, 'C');
INSERT INTO department VALUES (4, 2, 'D');
INSERT INTO department VALUES (5, 0, 'E');
INSERT INTO department VALUES (6, 4, 'F');
INSERT INTO department VALUES (7, 5, 'G');

CREATE TABLE tree(
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES tree(id)
);

INSERT INTO tree
VALUES (1, NULL), (2, 1), (3,1), (4,2), (5,2), (6,2), (7,3), (8,3),
       (9,4), (10,4), (11,7), (12,7), (13,7), (14, 9), (15,11), (16,11);

CREATE TABLE duplicates (a INT NOT NULL);
INSERT INTO duplicates VALUES(1), (1);

create table graph0( f int, t int, label text );

insert into graph0 values
	(1, 2, 'arc 1 -> 2'),
	(1, 3, 'arc 1 -> 3'),
	(2, 3, 'arc 2 -> 3'),
	(1, 4, 'arc 1 -> 4'),
	(4, 5, 'arc 4 -> 5');

create table graph( f int, t int, label text );

insert into graph values
	(1, 2, 'arc 1 -> 2'),
	(1, 3, 'arc 1 -> 3'),
	(2, 3, 'arc 2 -> 3'),
	(1, 4, 'arc 1 -> 4'),
	(4, 5, 'arc 4 -> 5'),
	(5, 1, 'arc 5 -> 1');

CREATE TABLE y (a INTEGER);
INSERT INTO y SELECT generate_series(1, 10);

-- int4_tbl: ours, test_setup.sql's column with its five values and three of
-- our own (1, 42, 123) and a null.
CREATE TABLE INT4_TBL(f1 int4);

INSERT INTO INT4_TBL(f1) VALUES
  ('   0  '),
  ('123456     '),
  ('    -123456'),
  ('2147483647'),  -- largest and smallest values
  ('-2147483647'),
  (1), (42), (123), (NULL);

-- int8_tbl: test_setup.sql's, as it is there.
CREATE TABLE INT8_TBL(q1 int8, q2 int8);

INSERT INTO INT8_TBL VALUES
  ('  123   ','  456'),
  ('123   ','4567890123456789'),
  ('4567890123456789','123'),
  (+4567890123456789,'4567890123456789'),
  ('+4567890123456789','-4567890123456789');

-- tenk1: ours, not the regression database's (10,000 rows read from
-- data/tenk.data): test_setup.sql's columns with 100 rows of our own, each
-- column derived from unique1 as the regression data's are.
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
INSERT INTO tenk1
SELECT u, i, u % 2, u % 4, u % 10, u % 20, u % 100, u % 1000, u % 2000,
       u % 5000, u % 10000, (u % 100) * 2 + 1, (u % 100) * 2,
       chr(65 + u % 26) || chr(65 + u / 26) || 'AAAA',
       chr(65 + i % 26) || chr(65 + i / 26) || 'AAAA',
       (ARRAY['AAAA', 'HHHH', 'OOOO', 'VVVV'])[i % 4 + 1]
FROM (SELECT i, (i * 37) % 100 AS u FROM generate_series(0, 99) i) s;
