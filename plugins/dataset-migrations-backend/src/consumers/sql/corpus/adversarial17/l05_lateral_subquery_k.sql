SELECT u.id, top.k FROM u
CROSS JOIN LATERAL (SELECT k FROM t WHERE t.id >= u.id ORDER BY t.k DESC, t.id LIMIT 1) top
ORDER BY u.id;
