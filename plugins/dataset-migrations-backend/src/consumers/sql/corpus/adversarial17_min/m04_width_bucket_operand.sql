-- width_bucket(13, 0, 23, 23) is 13 in double precision, 14 in numeric.
SELECT id, width_bucket(n + 10, 0, 23, 23) AS bucket FROM t ORDER BY id;
