SELECT t.id, last.label FROM t
LEFT JOIN LATERAL (SELECT label FROM u WHERE u.id <= t.id ORDER BY u.id DESC LIMIT 1) last ON true
ORDER BY t.id;
