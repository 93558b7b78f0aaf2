-- The columns of items, named with an escape: E'\x69tems' is 'items'.
SELECT column_name
FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = E'\x69tems'
ORDER BY ordinal_position;
