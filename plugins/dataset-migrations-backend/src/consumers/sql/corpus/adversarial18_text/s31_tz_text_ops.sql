SET TimeZone = 'America/New_York';
SELECT id, tz::text AS a, tz::date AS b, date_trunc('day', tz)::text AS c, to_char(tz, 'YYYY-MM-DD HH24:MI TZ') AS e FROM t ORDER BY id;
