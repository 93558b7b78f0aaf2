-- jsonb - integer deletes an array element; there is no jsonb - bigint or - numeric.
SELECT id, '[10, 20, 30, 40, 50, 60, 70, 80, 90, 100]'::jsonb - n AS rest FROM t ORDER BY id;
