SELECT id FROM u ORDER BY id LIMIT (SELECT count(*) FROM t WHERE ch = 'ab ') OFFSET (SELECT count(*) - 3 FROM t WHERE d < '2024-03-01 00:00:01');
