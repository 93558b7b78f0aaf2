-- From PostgreSQL's regression test src/test/regress/sql/subselect.sql (see
-- README.md): the tables its read-only queries use. Temporary tables there are
-- plain tables here (the harness copies them between schemas), exists_tbl is
-- not partitioned, and the tables the file leaves empty (t1, not_null_tab,
-- null_tab) hold rows of ours; copied verbatim otherwise. The regression
-- database's own int4_tbl, int8_tbl (test_setup.sql), tenk1 and onek follow,
-- in small versions.

CREATE TABLE SUBSELECT_TBL (
  f1 integer,
  f2 integer,
  f3 float
);

INSERT INTO SUBSELECT_TBL VALUES (1, 2, 3);
INSERT INTO SUBSELECT_TBL VALUES (2, 3, 4);
INSERT INTO SUBSELECT_TBL VALUES (3, 4, 5);
INSERT INTO SUBSELECT_TBL VALUES (1, 1, 1);
INSERT INTO SUBSELECT_TBL VALUES (2, 2, 2);
INSERT INTO SUBSELECT_TBL VALUES (3, 3, 3);
INSERT INTO SUBSELECT_TBL VALUES (6, 7, 8);
INSERT INTO SUBSELECT_TBL VALUES (8, 9, NULL);

CREATE TABLE foo (id integer);
CREATE TABLE bar (id1 integer, id2 integer);

INSERT INTO foo VALUES (1);

INSERT INTO bar VALUES (1, 1);
INSERT INTO bar VALUES (2, 2);
INSERT INTO bar VALUES (3, 1);

CREATE TABLE orderstest (
    approver_ref integer,
    po_ref integer,
    ordercanceled boolean
);

INSERT INTO orderstest VALUES (1, 1, false);
INSERT INTO orderstest VALUES (66, 5, false);
INSERT INTO orderstest VALUES (66, 6, false);
INSERT INTO orderstest VALUES (66, 7, false);
INSERT INTO orderstest VALUES (66, 1, true);
INSERT INTO orderstest VALUES (66, 8, false);
INSERT INTO orderstest VALUES (66, 1, false);
INSERT INTO orderstest VALUES (77, 1, false);
INSERT INTO orderstest VALUES (1, 1, false);
INSERT INTO orderstest VALUES (66, 1, false);
INSERT INTO orderstest VALUES (1, 1, false);

create table numeric_table (num_col numeric);
insert into numeric_table values (1), (1.000000000000000000001), (2), (3);

create table float_table (float_col float8);
insert into float_table values (1), (2), (3);

create table ta (id int primary key, val int);

insert into ta values(1,1);
insert into ta values(2,2);

create table tb (id int primary key, aval int);

insert into tb values(1,1);
insert into tb values(2,1);
insert into tb values(3,2);
insert into tb values(4,2);

create table tc (id int primary key, aid int);

insert into tc values(1,1);
insert into tc values(2,2);

create table t1 (f1 numeric(14,0), f2 varchar(30));
-- ours: the file leaves t1 empty
insert into t1 values (1, 'one'), (2, 'two'), (3, 'two'), (4, null);

create table outer_7597 (f1 int4, f2 int4);
insert into outer_7597 values (0, 0);
insert into outer_7597 values (1, 0);
insert into outer_7597 values (0, null);
insert into outer_7597 values (1, null);

create table inner_7597(c1 int8, c2 int8);
insert into inner_7597 values(0, null);

create table outer_text (f1 text, f2 text);
insert into outer_text values ('a', 'a');
insert into outer_text values ('b', 'a');
insert into outer_text values ('a', null);
insert into outer_text values ('b', null);

create table inner_text (c1 text, c2 text);
insert into inner_text values ('a', null);
insert into inner_text values ('123', '456');

create table exists_tbl (c1 int, c2 int, c3 int);
insert into exists_tbl select x, x/2, x+1 from generate_series(0,10) x;

create table notinouter (a int);
create table notininner (b int not null);
insert into notinouter values (null), (1);

CREATE TABLE not_null_tab (id int NOT NULL, val int NOT NULL);
CREATE TABLE null_tab (id int, val int);
-- ours: the file's rows are (2, 2) and (1, NULL), inserted late
INSERT INTO not_null_tab VALUES (1, 1), (2, 2), (3, 30);
INSERT INTO null_tab VALUES (1, NULL), (2, 20), (NULL, 5), (4, 4), (5, NULL);

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

-- onek: ours likewise, tenk1's columns with 100 rows in another order.
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
INSERT INTO onek
SELECT u, i, u % 2, u % 4, u % 10, u % 20, u % 100, u % 1000, u % 2000,
       u % 5000, u % 10000, (u % 100) * 2 + 1, (u % 100) * 2,
       chr(65 + u % 26) || chr(65 + u / 26) || 'AAAA',
       chr(65 + i % 26) || chr(65 + i / 26) || 'AAAA',
       (ARRAY['AAAA', 'HHHH', 'OOOO', 'VVVV'])[i % 4 + 1]
FROM (SELECT i, (i * 53 + 11) % 100 AS u FROM generate_series(0, 99) i) s;
