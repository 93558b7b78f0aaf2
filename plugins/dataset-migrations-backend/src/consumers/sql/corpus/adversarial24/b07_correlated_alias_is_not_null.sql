SELECT t.id, (SELECT count(*) FROM u m WHERE m.v > t.id * 10 AND m IS NOT NULL) AS c FROM t ORDER BY t.id;
