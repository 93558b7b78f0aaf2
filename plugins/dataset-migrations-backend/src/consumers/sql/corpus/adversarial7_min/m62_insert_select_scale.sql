INSERT INTO t (id, p) SELECT id + 10, p / 3 FROM t;
SELECT id, p FROM t ORDER BY id;
