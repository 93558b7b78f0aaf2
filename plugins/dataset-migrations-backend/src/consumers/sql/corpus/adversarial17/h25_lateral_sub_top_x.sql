SELECT u.id, z.v FROM u, t, LATERAL (SELECT x AS v) z WHERE t.id = u.id ORDER BY u.id;
