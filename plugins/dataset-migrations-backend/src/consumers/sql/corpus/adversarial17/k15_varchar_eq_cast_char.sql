SELECT id FROM t WHERE s = CAST('ab' AS character(3)) ORDER BY id;
