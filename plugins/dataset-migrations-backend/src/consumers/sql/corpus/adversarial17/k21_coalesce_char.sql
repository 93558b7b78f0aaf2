SELECT id FROM t WHERE s = coalesce(c, 'x') ORDER BY id;
