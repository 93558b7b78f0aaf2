-- Sixth adversarial round (2026-12-03): minimal reproductions.
CREATE TABLE t (id integer, k integer, n integer, q smallint, s varchar(10));
INSERT INTO t VALUES (1, 10, 5, 2, 'a'), (2, 20, 7, 3, 'b'), (3, 30, 11, 1, 'c');
CREATE TABLE u (id integer, x integer, qs smallint[], ns integer[]);
INSERT INTO u VALUES (1, 100, '{1,2,3}', '{5,7}'), (2, 200, '{3}', '{11}'), (4, 400, '{}', '{}');
CREATE TABLE v (id integer, labels text[], doc jsonb);
INSERT INTO v VALUES (1, '{a,b,c,d,e,f,g,h,i,j,k,l}', '["a","b","c","d","e","f","g","h","i","j","k","l"]');
