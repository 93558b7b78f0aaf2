INSERT INTO t (id, k) SELECT * FROM (SELECT id + 100, x FROM u) z;
SELECT id, k, n FROM t ORDER BY id;
