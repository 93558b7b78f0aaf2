SELECT id FROM t WHERE n::text > '5' ORDER BY id;
