SELECT id FROM t WHERE c = 'ab   ' ORDER BY id;
