-- 2.5 into an integer is 3; into a numeric 2.5.
INSERT INTO t VALUES (11, 2, 2.5, 'f');
SELECT id, n, m FROM t ORDER BY id;
