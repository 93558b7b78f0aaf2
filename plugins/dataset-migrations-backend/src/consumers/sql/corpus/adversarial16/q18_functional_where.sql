SELECT id FROM t WHERE n(t) / 2 = 1;
