SELECT v.x, t.k FROM (VALUES (1), (2), (7)) v(x) JOIN t ON t.id = v.x ORDER BY v.x;
