SELECT u.id, z.cc FROM u CROSS JOIN LATERAL (SELECT * FROM t WHERE t.id = u.id) AS z(a, b, cc) ORDER BY u.id;
