-- From PostgreSQL's regression test src/test/regress/sql/union.sql (see
-- README.md): the tables its queries read. float8_tbl, int4_tbl, int8_tbl,
-- char_tbl, varchar_tbl and text_tbl are test_setup.sql's, as they are there
-- (without its VACUUMs); t1 and t2 are union.sql's temporary tables as plain
-- tables; tenk1 is ours, as in regress_subselect/schema.sql.

CREATE TABLE CHAR_TBL(f1 char(4));

INSERT INTO CHAR_TBL (f1) VALUES
  ('a'),
  ('ab'),
  ('abcd'),
  ('abcd    ');

CREATE TABLE FLOAT8_TBL(f1 float8);

INSERT INTO FLOAT8_TBL(f1) VALUES
  ('0.0'),
  ('-34.84'),
  ('-1004.30'),
  ('-1.2345678901234e+200'),
  ('-1.2345678901234e-200');

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

CREATE TABLE TEXT_TBL (f1 text);

INSERT INTO TEXT_TBL VALUES
  ('doh!'),
  ('hi de ho neighbor');

CREATE TABLE VARCHAR_TBL(f1 varchar(4));

INSERT INTO VARCHAR_TBL (f1) VALUES
  ('a'),
  ('ab'),
  ('abcd'),
  ('abcd    ');

CREATE TABLE t1 (a text, b text);
CREATE INDEX t1_ab_idx on t1 ((a || b));
CREATE TABLE t2 (ab text primary key);
INSERT INTO t1 VALUES ('a', 'b'), ('x', 'y');
INSERT INTO t2 VALUES ('ab'), ('xy');

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
