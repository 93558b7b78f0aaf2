SELECT id, tz::date AS day, date_trunc('day', tz) AS dt FROM t ORDER BY id;
