-- By position, 2.5 goes into n: an integer stores 3, a numeric 2.5.
INSERT INTO t VALUES (5, 2.5, 7, 1.5, NULL, NULL, NULL, NULL);
SELECT id, n FROM t ORDER BY id;
