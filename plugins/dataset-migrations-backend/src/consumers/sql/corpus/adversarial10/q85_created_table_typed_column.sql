CREATE TEMP TABLE snap (id integer, n integer);
INSERT INTO snap SELECT id, n FROM t;
INSERT INTO snap VALUES (9, 2.5);
SELECT id, n FROM snap ORDER BY id;
