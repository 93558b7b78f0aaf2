-- From PostgreSQL's regression test src/test/regress/sql/groupingsets.sql (see
-- README.md): its test data. gstest1, a temporary view over VALUES there, is a
-- plain table here with the same rows (a migration changes a table); the others,
-- temporary tables there, are plain tables (the harness copies them between
-- schemas), their COPY data as INSERTs, gstest3 without its primary key (the
-- harness copies tables without keys). Copied verbatim otherwise.
create table gstest1(a integer, b integer, v integer);
insert into gstest1
  values (1,1,10),(1,1,11),(1,2,12),(1,2,13),(1,3,14),
            (2,3,15),
            (3,3,16),(3,4,17),
            (4,1,18),(4,1,19);

create table gstest2 (a integer, b integer, c integer, d integer,
                           e integer, f integer, g integer, h integer);
insert into gstest2 values
(1,1,1,1,1,1,1,1),
(1,1,1,1,1,1,1,2),
(1,1,1,1,1,1,2,2),
(1,1,1,1,1,2,2,2),
(1,1,1,1,2,2,2,2),
(1,1,1,2,2,2,2,2),
(1,1,2,2,2,2,2,2),
(1,2,2,2,2,2,2,2),
(2,2,2,2,2,2,2,2);

create table gstest3 (a integer, b integer, c integer, d integer);
insert into gstest3 values
(1,1,1,1),
(2,2,2,2);

create table gstest4(id integer, v integer,
                          unhashable_col bit(4), unsortable_col xid);
insert into gstest4
values (1,1,b'0000','1'), (2,2,b'0001','1'),
       (3,4,b'0010','2'), (4,8,b'0011','2'),
       (5,16,b'0000','2'), (6,32,b'0001','2'),
       (7,64,b'0010','1'), (8,128,b'0011','1');

create table gstest_empty (a integer, b integer, v integer);
