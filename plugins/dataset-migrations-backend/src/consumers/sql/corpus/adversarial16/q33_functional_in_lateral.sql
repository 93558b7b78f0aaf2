SELECT t.id, l.h FROM t, LATERAL (SELECT n(t) / 2 AS h) l;
