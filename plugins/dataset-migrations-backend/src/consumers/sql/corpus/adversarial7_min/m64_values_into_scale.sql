INSERT INTO t (id, p) SELECT * FROM (VALUES (9, 2.345)) v(a, b);
SELECT id, p FROM t ORDER BY id;
