SELECT id, m FROM t, LATERAL jsonb_each_text(t.j) AS e(key, m) ORDER BY 1, 2;
