INSERT INTO t (id, k) SELECT id + 100, x FROM u;
SELECT id, k FROM t ORDER BY id;
