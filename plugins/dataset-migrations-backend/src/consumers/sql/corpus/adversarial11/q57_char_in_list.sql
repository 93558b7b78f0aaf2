SELECT id FROM t WHERE c IN ('ab', 'cd') ORDER BY id;
