INSERT INTO t (id, s) VALUES (9, 'abcdefghij   ');
SELECT id, length(s) AS l FROM t ORDER BY id;
