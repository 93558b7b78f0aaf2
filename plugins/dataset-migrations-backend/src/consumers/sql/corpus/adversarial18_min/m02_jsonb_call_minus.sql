-- The same beside JSON a call makes.
SELECT id, to_jsonb(ARRAY[10, 20, 30, 40, 50, 60, 70, 80, 90, 100]) - n AS rest FROM t ORDER BY id;
