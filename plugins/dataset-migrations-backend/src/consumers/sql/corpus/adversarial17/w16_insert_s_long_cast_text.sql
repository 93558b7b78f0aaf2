INSERT INTO t (id, s) SELECT 70, CAST(label || label || label AS varchar(10)) FROM u WHERE u.id = 3;
SELECT id, s, length(s) AS len FROM t ORDER BY id;
