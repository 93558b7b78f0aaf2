SELECT id FROM t WHERE (ch, vc) = ('ab', 'ab') OR ch = ANY (ARRAY['Ab', 'zz']) OR d IN (SELECT u.d FROM u WHERE u.id = 3) ORDER BY id;
