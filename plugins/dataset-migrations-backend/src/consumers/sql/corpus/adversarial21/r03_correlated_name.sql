SELECT u.id, (SELECT t.n FROM t WHERE t.id = u.id) FROM u ORDER BY 1;
