SELECT t, t.k FROM u JOIN t ON t.id = u.id ORDER BY 1;
