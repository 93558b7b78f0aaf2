SET DateStyle = 'SQL, DMY';
INSERT INTO t (k, id, d) SELECT 'k' || (id + 10), id + 10, d + 1 FROM u WHERE u.id = 1;
RESET DateStyle;
SELECT id, d FROM t WHERE id = 11;
