SELECT t.id, z.label FROM t LEFT JOIN LATERAL (SELECT u.label FROM u JOIN u u3 ON u3.id = u.id AND k > 10 WHERE u.id = t.id) z ON true ORDER BY t.id;
