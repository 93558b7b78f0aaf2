SELECT id FROM t WHERE c IN ('ab', 'abc') AND position(' ' IN c) = 0 ORDER BY id;
