SELECT t.id, z.v FROM t CROSS JOIN LATERAL (SELECT k + x AS v FROM u WHERE u.id = 1) z ORDER BY t.id;
