SELECT t.id, v.x, w.y FROM t, LATERAL (VALUES (ch), (vc)) v(x), LATERAL unnest(ARRAY[d]) w(y) WHERE t.id < 4 ORDER BY 1, 2, 3;
