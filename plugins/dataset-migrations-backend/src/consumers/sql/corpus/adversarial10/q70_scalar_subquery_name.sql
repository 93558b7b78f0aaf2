SELECT u.id, (SELECT k FROM t WHERE t.id = u.id) FROM u ORDER BY 1;
