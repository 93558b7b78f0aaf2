-- The columns of two tables, named in an array literal.
SELECT table_name, column_name
FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = ANY ('{items,kinds}'::text[])
ORDER BY table_name, ordinal_position;
