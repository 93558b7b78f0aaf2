SELECT x, t.id FROM u JOIN t ON t.id = u.id ORDER BY 2;
