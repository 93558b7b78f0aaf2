INSERT INTO t (id, s) VALUES (60, 'abcdefghijklmnop'::varchar(10));
SELECT id, s FROM t ORDER BY id;
