SELECT id, ts + n * interval '1 day' AS due FROM t ORDER BY id;
