SELECT id, (SELECT max(t.n) FROM t WHERE t.id <= u.id AND label <> 'two') AS mx FROM u ORDER BY id;
