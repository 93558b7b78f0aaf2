SELECT a.id, a.d - b.d AS gap FROM t a JOIN t b ON b.id = a.id + 1 ORDER BY a.id;
