SELECT u.id, s.lbl FROM u CROSS JOIN LATERAL (SELECT r.label AS lbl FROM r JOIN t ON t.id = u.id AND r.code = k * 10) s ORDER BY 1;
