SELECT id, ts AT TIME ZONE 'UTC' AS utc, tz AT TIME ZONE 'Asia/Tokyo' AS tokyo FROM t ORDER BY id;
