SELECT t.id, l.label FROM t, LATERAL (SELECT label FROM u WHERE u.kk = k) l ORDER BY t.id;
