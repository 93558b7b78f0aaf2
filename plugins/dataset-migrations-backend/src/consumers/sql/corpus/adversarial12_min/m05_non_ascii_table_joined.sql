SELECT c.id, c.k, t.n FROM café c JOIN t ON t.id = c.id ORDER BY 1;
