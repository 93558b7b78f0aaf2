-- From PostgreSQL's regression test src/test/regress/sql/rowtypes.sql (see
-- README.md): the tables its read-only queries here use, with the rows they hold
-- when those queries run there. Its temporary tables (fullname, quadtable,
-- people, test_table, compos, tt1, tt2, tt3) are plain tables (the harness copies
-- tables between schemas), price and compositetable too; the types complex and
-- quad are the file's. fullname has the columns it has from its second
-- ALTER TABLE on (suffix) and the row the file inserts; quadtable the rows it
-- holds after the file's INSERT and UPDATE of subfields; people the rows after
-- its UPDATEs (the toasted value of pp included), the second row's date fixed
-- (the file inserts current_date); test_table without its index; price the
-- rows the file inserts (its BEGIN ... ROLLBACK block's UPDATE is in r12);
-- compos empty (r13 fills it); tt1 the two rows of int8_tbl the file's
-- "limit 2" happens to take there, in that order. The regression database's own
-- tables follow: int8_tbl as test_setup.sql has it, tenk1 ours as in
-- regress_aggregates (test_setup.sql's columns, 10,000 rows derived from
-- unique1).

create type complex as (r float8, i float8);

create table fullname (first text, last text);

create type quad as (c1 complex, c2 complex);

create table quadtable(f1 int, q quad);

insert into quadtable values (1, ((3.3,4.4),(5.5,6.6)));
insert into quadtable values (2, ((null,4.4),(5.5,6.6)));

create table people (fn fullname, bd date);

insert into people values ('(Joe,Blow)', '1984-01-10');

alter table fullname add column suffix text default null;

update people set fn.suffix = 'Jr';

insert into quadtable (f1, q.c1.r, q.c2.i) values(44,55,66);

update quadtable set q.c1.r = 12 where f1 = 2;

create table pp (f1 text);
insert into pp values (repeat('abcdefghijkl', 100000));

insert into people select ('Jim', f1, null)::fullname, date '2026-12-07' from pp;

update people set fn.first = 'Jack';

drop table pp;

create table test_table (a text, b text);
insert into test_table values ('a', 'b');
insert into test_table select 'a', null from generate_series(1,1000);
insert into test_table values ('b', 'a');

CREATE TABLE price (
    id SERIAL PRIMARY KEY,
    active BOOLEAN NOT NULL,
    price NUMERIC
);

insert into price values (1,false,42), (10,false,100), (11,true,17.99);

create table compos (f1 int, f2 text);

insert into fullname values ('Joe', 'Blow');

CREATE TABLE compositetable(a text, b text);
INSERT INTO compositetable(a, b) VALUES('fa', 'fb');

-- test_setup.sql
CREATE TABLE INT8_TBL(q1 int8, q2 int8);

INSERT INTO INT8_TBL VALUES
  ('  123   ','  456'),
  ('123   ','4567890123456789'),
  ('4567890123456789','123'),
  (+4567890123456789,'4567890123456789'),
  ('+4567890123456789','-4567890123456789');

create table tt1 as select * from int8_tbl limit 2;
create table tt2 () inherits(tt1);
insert into tt2 values(0,0);
create table tt3 () inherits(tt2);
insert into tt3 values(33,44);

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
INSERT INTO tenk1
SELECT u, i, u % 2, u % 4, u % 10, u % 20, u % 100, u % 1000, u % 2000,
       u % 5000, u % 10000, (u % 100) * 2 + 1, (u % 100) * 2,
       chr(65 + u % 26) || chr(65 + (u / 26) % 26) || chr(65 + (u / 676) % 26) || 'AAAA',
       chr(65 + i % 26) || chr(65 + (i / 26) % 26) || chr(65 + (i / 676) % 26) || 'AAAA',
       (ARRAY['AAAAxx', 'HHHHxx', 'OOOOxx', 'VVVVxx'])[(i * 7 + u) % 4 + 1]
FROM (SELECT i, (i * 7919) % 10000 AS u FROM generate_series(0, 9999) i) s;
