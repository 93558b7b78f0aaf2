SELECT t.id, v.w FROM t CROSS JOIN LATERAL (VALUES (t.n), (t.k)) v(w) ORDER BY t.id, v.w;
