-- inet + bigint takes any integer, but no numeric.
SELECT id, inet '10.0.0.1' + n AS host FROM t ORDER BY id;
