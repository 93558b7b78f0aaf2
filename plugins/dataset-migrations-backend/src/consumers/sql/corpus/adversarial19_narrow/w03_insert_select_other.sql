INSERT INTO t (id, n) SELECT id + 10, v FROM big;
SELECT id, n FROM t ORDER BY id;
