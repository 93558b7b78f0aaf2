CREATE TEMP TABLE half (id integer, h integer);
INSERT INTO half SELECT id, n / 2 FROM t;
SELECT * FROM half ORDER BY id;
