SELECT id FROM u WHERE ch = ANY (ARRAY(SELECT ch FROM t WHERE id = 6)) OR format('%s|', ch) IN (SELECT format('%s|', ch) FROM t) ORDER BY id;
