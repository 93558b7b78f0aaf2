SELECT u.label FROM u WHERE EXISTS (SELECT * FROM t WHERE t.id = x / 100) ORDER BY u.label;
