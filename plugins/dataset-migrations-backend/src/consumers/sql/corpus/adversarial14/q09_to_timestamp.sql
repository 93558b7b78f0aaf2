SELECT id, to_timestamp(n * 86400) AT TIME ZONE 'UTC' AS at FROM t ORDER BY id;
