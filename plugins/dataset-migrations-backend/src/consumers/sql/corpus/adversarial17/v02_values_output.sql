SELECT v.x, t.id FROM (VALUES (1), (2)) v(x) JOIN t ON t.id = v.x UNION ALL SELECT 3, 3 ORDER BY 1;
