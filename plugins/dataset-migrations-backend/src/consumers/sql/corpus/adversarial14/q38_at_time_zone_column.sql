SELECT id, ts AT TIME ZONE zone AS local FROM t ORDER BY id;
