CREATE TEMP TABLE snap (id integer, n integer, half numeric);
INSERT INTO snap SELECT id, n, n / 2 FROM t;
SELECT * FROM snap ORDER BY id;
