SELECT id FROM t WHERE (n, s) > ('5', '1') ORDER BY id;
