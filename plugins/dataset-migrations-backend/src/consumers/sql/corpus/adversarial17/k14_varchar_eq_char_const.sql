SELECT id FROM t WHERE s = 'ab'::char(5) ORDER BY id;
