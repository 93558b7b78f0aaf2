SELECT t.id, z.v FROM u JOIN t ON t.id = u.id, LATERAL (SELECT k AS v) z ORDER BY t.id;
