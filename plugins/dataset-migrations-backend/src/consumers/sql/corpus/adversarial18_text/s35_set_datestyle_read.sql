SET DateStyle = 'German';
SELECT id, d, ts, d::text AS dt FROM t ORDER BY id;
