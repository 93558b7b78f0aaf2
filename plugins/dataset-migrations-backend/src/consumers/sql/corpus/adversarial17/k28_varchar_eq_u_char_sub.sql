SELECT id FROM t WHERE s = (SELECT 'ab'::char(5) FROM u WHERE u.id = 1) ORDER BY id;
