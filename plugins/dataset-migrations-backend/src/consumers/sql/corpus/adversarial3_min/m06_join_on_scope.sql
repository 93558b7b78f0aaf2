SELECT u.id, r.label FROM u JOIN r ON r.code = k JOIN t ON t.id = u.id ORDER BY u.id;
