SELECT u.id, (SELECT max(s.v) FROM t, (SELECT k AS v) s WHERE t.id = u.id) AS m FROM u ORDER BY u.id;
